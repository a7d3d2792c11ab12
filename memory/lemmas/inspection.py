"""Read-only views of stored lemmas: a problem's list, and one lemma with proof, votes and links."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lemmata.memory.lemmas.errors import LemmaNotFound
from lemmata.memory.lemmas.records import LemmaEditAction, LemmaStatus
from lemmata.memory.lemmas.search import LemmaSummary

if TYPE_CHECKING:
    from lemmata.memory.store import RunStore

_SUMMARY_SQL = """
select lemmas.*, (select count(*) from lemma_uses u where u.lemma_id = lemmas.id) as occurrences
from lemmas
"""


@dataclass(frozen=True)
class LemmaReference:
    """Another lemma this one cites, or that cites it."""

    id: int
    number: str
    statement: str
    confidence: float | None
    status: LemmaStatus


@dataclass(frozen=True)
class LemmaVoteRecord:
    """One stored verifier vote."""

    passed: bool
    first_wrong_step: int | None
    """0-based; -1 when every step is right; None on a format error."""
    explanation: str
    format_error: bool
    call_id: int | None
    run_id: str | None
    shot: int | None
    created_at: str


@dataclass(frozen=True)
class LemmaUse:
    """A (run, shot) library holding the lemma, and the number it has there."""

    run_id: str
    shot: int
    number: str
    round: int | None


@dataclass(frozen=True)
class LemmaEditRecord:
    """One human edit (or import) of the lemma."""

    action: LemmaEditAction
    lemma_id: int
    new_lemma_id: int | None
    detail: dict[str, Any]
    created_at: str


@dataclass(frozen=True)
class LemmaDetail:
    """Everything `lemmata lemmas show ID` prints."""

    summary: LemmaSummary
    steps: list[str]
    votes: list[LemmaVoteRecord]
    cites: list[LemmaReference]
    cited_by: list[LemmaReference]
    uses: list[LemmaUse]
    edits: list[LemmaEditRecord]
    fixed_of: int | None
    supersedes: int | None
    superseded_by: int | None
    imported_from: int | None
    version: int


def list_lemmas(store: RunStore, problem_id: str, *, min_confidence: float | None = None,
                include_superseded: bool = False) -> list[LemmaSummary]:
    """A problem's lemmas in the order they were stored; `min_confidence` drops unverified ones too."""
    conditions, args = ["problem_id = ?"], [problem_id]
    if min_confidence is not None:
        conditions.append("confidence >= ?")
        args.append(min_confidence)
    if not include_superseded:
        conditions.append("status != ?")
        args.append(str(LemmaStatus.SUPERSEDED))
    rows = store.db.query(_SUMMARY_SQL + " where " + " and ".join(conditions) + " order by id", args)
    return [LemmaSummary.from_row(row) for row in rows]


def lemma_detail(store: RunStore, lemma_id: int) -> LemmaDetail:
    rows = list(store.db.query(_SUMMARY_SQL + " where id = ?", [lemma_id]))
    if not rows:
        raise LemmaNotFound(lemma_id)
    row = rows[0]
    return LemmaDetail(
        summary=LemmaSummary.from_row(row), steps=json.loads(row["steps"] or "[]"),
        votes=_votes(store, lemma_id),
        cites=_references(store, "select cited_id from lemma_edges where lemma_id = ?", lemma_id),
        cited_by=_references(store, "select lemma_id from lemma_edges where cited_id = ?", lemma_id),
        uses=[LemmaUse(r["run_id"], r["shot"], r["number"], r["round"]) for r in store.db.query(
            "select * from lemma_uses where lemma_id = ? order by id", [lemma_id])],
        edits=_edits(store, lemma_id), fixed_of=row["fixed_of"], supersedes=row["supersedes"],
        superseded_by=row["superseded_by"], imported_from=row["imported_from"], version=row["version"] or 1,
    )


def _votes(store: RunStore, lemma_id: int) -> list[LemmaVoteRecord]:
    return [
        LemmaVoteRecord(passed=bool(r["passed"]), first_wrong_step=r["first_wrong_step"],
                        explanation=r["explanation"] or "", format_error=bool(r["format_error"]),
                        call_id=r["call_id"], run_id=r["run_id"], shot=r["shot"], created_at=r["created_at"])
        for r in store.db.query("select * from lemma_votes where lemma_id = ? order by id", [lemma_id])
    ]


def _references(store: RunStore, ids_sql: str, lemma_id: int) -> list[LemmaReference]:
    rows = store.db.query(f"select * from lemmas where id in ({ids_sql}) order by id", [lemma_id])
    return [LemmaReference(r["id"], r["number"] or "", r["statement"], r["confidence"], LemmaStatus(r["status"]))
            for r in rows]


def _edits(store: RunStore, lemma_id: int) -> list[LemmaEditRecord]:
    rows = store.db.query(
        "select * from lemma_edits where lemma_id = ? or new_lemma_id = ? order by id", [lemma_id, lemma_id])
    return [LemmaEditRecord(LemmaEditAction(r["action"]), r["lemma_id"], r["new_lemma_id"],
                            json.loads(r["detail"] or "{}"), r["created_at"]) for r in rows]
