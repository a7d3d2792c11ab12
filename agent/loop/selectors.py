"""The model calls behind selection across shots: the tournament judge and the proof grader.

Neither sees a gold answer, reference solution or guidelines unless the run opted in with
`--reference-visible`: the selection decides which shot is reported and scored.
"""

from __future__ import annotations

from dataclasses import replace
from collections.abc import Callable

from lemmata import prompts
from lemmata.agent.loop.graph import ShotRun
from lemmata.agent.evaluation.proof_grader import grade_proof
from lemmata.agent.loop.reference import reference_section
from lemmata.agent.loop.role_outputs import labelled_choice
from lemmata.agent.loop.roles import Role
from lemmata.agent.loop.selection import Candidate, Judgement, Outcome

def parse_judgement(text: str) -> tuple[Outcome, str]:
    """The judge's last WINNER line (A, B or TIE) and its REASON line."""
    choice, reason = labelled_choice(text, "winner", ("A", "B", "TIE"))
    return {"A": Outcome.FIRST, "B": Outcome.SECOND, "TIE": Outcome.TIE}[choice], reason


def tournament_judge(run: ShotRun, solutions: dict[int, str]) -> Callable[[Candidate, Candidate], object]:
    """A judge for `select_by_tournament` over the shots' final solutions; each call is the
    loop's recorded, idempotent call (a resumed run reads finished judgements back)."""

    async def judge(first: Candidate, second: Candidate) -> Judgement:
        messages = prompts.render(
            "tournament_judge", problem=run.problem.text,
            reference=reference_section(run.problem, run.settings.reference_visible),
            first=solutions[first.shot], second=solutions[second.shot])
        parsed, call_id, why = await run.call_parsed(
            Role.JUDGE, messages, f"select/tournament/{first.shot}-{second.shot}", first.shot, 0, parse_judgement)
        if parsed is None:
            return Judgement(Outcome.UNPARSED, why or "no answer", call_id)
        return Judgement(parsed[0], parsed[1], call_id)

    return judge


def selection_grader(run: ShotRun, solutions: dict[int, str], grades: dict[int, list[int]]):
    """A grader for `select_by_grade`: the proof grader's 0-7 score of a shot's final solution,
    shown the reference solution and guidelines only under `--reference-visible`. The call ids
    of each grade land in `grades`."""
    if not run.settings.reference_visible:
        run = replace(run, problem=replace(run.problem, answer=None, reference=None, guidelines=None))

    async def grade(candidate: Candidate) -> float | None:
        result = await grade_proof(run, candidate.shot, solutions[candidate.shot], run.config.grading,
                                   key=f"select/grade/s{candidate.shot}")
        grades[candidate.shot] = list(result.call_ids)
        return result.score

    return grade
