"""The records that cross between the loop and the lemma memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class LemmaOrigin(StrEnum):
    MODEL = "model"
    USER = "user"
    IMPORTED = "imported"
    """Seeded from another problem's verified lemmas."""


class LemmaStatus(StrEnum):
    ACTIVE = "active"
    PINNED = "pinned"
    """Always rendered, whatever the budget."""
    REJECTED = "rejected"
    """Never rendered; kept for the record."""
    SUPERSEDED = "superseded"
    """An older version of an edited lemma."""


class LemmaEditAction(StrEnum):
    """What a human (or a seeding step) did to a lemma; each is a row in `lemma_edits`."""

    PIN = "pin"
    UNPIN = "unpin"
    REJECT = "reject"
    EDIT = "edit"
    ADD_USER = "add_user"
    IMPORT = "import"


@dataclass(frozen=True)
class LemmaDraft:
    """A lemma as parsed from model (or user) text, before it is stored."""

    number: str
    """As the model numbered it: "3", or "3-fixed" for a correction of lemma 3."""
    statement: str
    steps: list[str] = field(default_factory=list)
    """The proof, one entry per step, in order."""
    step_citations: list[list[str]] = field(default_factory=list)
    """For each step, the lemma numbers it cites (same length as `steps`)."""
    proven: bool = True

    @property
    def cites(self) -> list[str]:
        seen: dict[str, None] = {}
        for numbers in self.step_citations:
            for number in numbers:
                seen.setdefault(number, None)
        return list(seen)

    @property
    def fixed_of(self) -> str | None:
        return self.number.removesuffix("-fixed") if self.number.endswith("-fixed") else None


@dataclass(frozen=True)
class VerifierVote:
    """One verifier call's judgement of one lemma's proof."""

    first_wrong_step: int | None
    """0-based index of the first wrong step; -1 when every step is right; None on FORMAT_ERROR."""
    explanation: str
    call_id: int | None = None
    format_error: bool = False

    @property
    def passed(self) -> bool:
        return self.first_wrong_step == -1 and not self.format_error
