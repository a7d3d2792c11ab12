"""Pick one shot's result: verifier-weighted answer voting, or the best-verified proof."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    shot: int
    answer: str | None
    pass_rate: float
    """Share of the final process-verifier votes that passed."""


@dataclass(frozen=True)
class Selection:
    shot: int
    answer: str | None
    score: float
    method: str
    """verifier_vote | best_verified"""


SameAnswer = Callable[[str, str], Awaitable[bool]]


async def select_by_verifier_vote(candidates: list[Candidate], same: SameAnswer) -> Selection | None:
    """Group equivalent answers; each shot votes with its pass rate (plus a tiny count so that
    unverified ties fall back to the majority); the heaviest group's best-verified shot wins."""
    groups: list[list[Candidate]] = []
    for candidate in candidates:
        if candidate.answer is None:
            continue
        for group in groups:
            if await same(candidate.answer, group[0].answer):
                group.append(candidate)
                break
        else:
            groups.append([candidate])
    if not groups:
        return None
    weight = lambda group: sum(c.pass_rate for c in group) + 1e-3 * len(group)  # noqa: E731
    best = max(groups, key=weight)
    chosen = max(best, key=lambda c: (c.pass_rate, -c.shot))
    return Selection(chosen.shot, chosen.answer, round(weight(best), 6), "verifier_vote")


def select_best_verified(candidates: list[Candidate]) -> Selection | None:
    if not candidates:
        return None
    chosen = max(candidates, key=lambda c: (c.pass_rate, -c.shot))
    return Selection(chosen.shot, chosen.answer, chosen.pass_rate, "best_verified")
