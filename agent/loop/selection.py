"""Pick one shot's result: verifier-weighted answer voting, the best-verified proof, the best
proof grade, or a single-elimination tournament of pairwise judgements.

The functions are plain and take the judge or grader as a callable, so the loop calls the model
through them and bench/selection_bench.py drives them with simulated noise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum


class SelectMethod(StrEnum):
    VOTE = "vote"
    """Answer problems: equivalent answers grouped, each shot voting with its pass rate."""
    VERIFIER = "verifier"
    """The shot whose final process-verifier votes passed most often."""
    GRADER = "grader"
    """The shot whose final solution the proof grader (0-7) scores highest."""
    TOURNAMENT = "tournament"
    """Single elimination: a judge compares two final solutions at a time and names the better."""


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
    """verifier_vote | best_verified | grader | tournament"""


class Outcome(StrEnum):
    FIRST = "first"
    SECOND = "second"
    TIE = "tie"
    UNPARSED = "unparsed"
    """The judge's answer could not be read (after the parse retries)."""


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    reason: str
    call_id: int | None = None


@dataclass(frozen=True)
class Comparison:
    """One match of a tournament: who met whom, what the judge said, who went on."""

    stage: int
    first: int
    second: int
    winner: int
    outcome: Outcome
    reason: str
    call_id: int | None


SameAnswer = Callable[[str, str], Awaitable[bool]]
Judge = Callable[[Candidate, Candidate], Awaitable[Judgement]]
Grader = Callable[[Candidate], Awaitable[float | None]]


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
    chosen = max(best, key=_by_pass_rate)
    return Selection(chosen.shot, chosen.answer, round(weight(best), 6), "verifier_vote")


def select_best_verified(candidates: list[Candidate]) -> Selection | None:
    if not candidates:
        return None
    chosen = max(candidates, key=_by_pass_rate)
    return Selection(chosen.shot, chosen.answer, chosen.pass_rate, "best_verified")


async def select_by_grade(candidates: list[Candidate], grade: Grader) -> tuple[Selection | None, dict[int, float | None]]:
    """The highest-graded candidate (ties and failed grades fall back to the pass rate), and
    every candidate's grade (None where the grader failed)."""
    if not candidates:
        return None, {}
    grades = {candidate.shot: await grade(candidate) for candidate in candidates}
    chosen = max(candidates, key=lambda c: (grades[c.shot] if grades[c.shot] is not None else -1, *_by_pass_rate(c)))
    score = grades[chosen.shot]
    return Selection(chosen.shot, chosen.answer, -1.0 if score is None else float(score), "grader"), grades


async def select_by_tournament(candidates: list[Candidate], judge: Judge) -> tuple[Selection | None, list[Comparison]]:
    """Single elimination in shot order (an odd one out gets a bye). A tie or an unreadable
    judgement sends on the better-verified of the two, so no match is ever decided at random.
    K candidates cost K - 1 judge calls."""
    field = sorted(candidates, key=lambda c: c.shot)
    comparisons: list[Comparison] = []
    stage = 0
    while len(field) > 1:
        stage += 1
        survivors = []
        for first, second in zip(field[0::2], field[1::2]):
            judgement = await judge(first, second)
            if judgement.outcome is Outcome.FIRST:
                winner = first
            elif judgement.outcome is Outcome.SECOND:
                winner = second
            else:
                winner = max(first, second, key=_by_pass_rate)
            comparisons.append(Comparison(stage, first.shot, second.shot, winner.shot, judgement.outcome,
                                          judgement.reason, judgement.call_id))
            survivors.append(winner)
        if len(field) % 2:
            survivors.append(field[-1])
        field = survivors
    if not field:
        return None, comparisons
    chosen = field[0]
    wins = sum(c.winner == chosen.shot and c.outcome in (Outcome.FIRST, Outcome.SECOND) for c in comparisons)
    return Selection(chosen.shot, chosen.answer, float(wins), "tournament"), comparisons


def _by_pass_rate(candidate: Candidate) -> tuple[float, int]:
    return candidate.pass_rate, -candidate.shot
