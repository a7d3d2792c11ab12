"""Solve one problem: K shots of the lemma loop run concurrently, then one result is selected."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from lemmata.memory.checkpoints import open_checkpoints

from lemmata.agent.config import Config
from lemmata.agent.loop.events import EventSink, LoopEvent, TokenSink, ignore_event
from lemmata.agent.loop.graph import ShotRun, shot_records
from lemmata.agent.problems import Problem, ProblemKind
from lemmata.agent.loop.selection import (
    Candidate,
    SelectMethod,
    Selection,
    select_best_verified,
    select_by_grade,
    select_by_tournament,
    select_by_verifier_vote,
)
from lemmata.agent.loop.selectors import selection_grader, tournament_judge
from lemmata.engines.answers import Verdict, agrade
from lemmata.engines.llm import LLMClient, ModelCallError
from lemmata.engines.llm.redaction import redact
from lemmata.memory import RunStore, StoredProblem
from lemmata.memory import loop_records as records
from lemmata.memory import run_lease, selection_records
from lemmata.memory.statuses import RunStatus, ShotStatus
from lemmata.memory.store_errors import StoreFullError

if TYPE_CHECKING:  # imported when a geometry problem comes: it loads the engine
    from lemmata.agent.geometry.agent import GeometryRun

log = logging.getLogger(__name__)

RECURSION_LIMIT = 10_000


@dataclass
class SolveResult:
    run_id: str
    problem_id: str
    answer: str | None
    """The selected shot's final \\boxed{} answer; None when there is none."""
    solution: str | None
    status: str
    """The selected shot's status (a ShotStatus word); no_solution when no shot was selected."""
    shot: int | None
    shots: dict[int, str]
    """Every shot's status."""


def make_run(problem: Problem, config: Config, store: RunStore, llm: LLMClient, run_id: str,
             on_event: EventSink = ignore_event, on_tokens: TokenSink | None = None) -> ShotRun | GeometryRun:
    """The lemma loop, or the geometry agent (which makes its calls through a lemma-loop run) for geometry problems."""
    if problem.kind == ProblemKind.GEOMETRY:
        from lemmata.agent.geometry.agent import GeometryRun

        return GeometryRun(ShotRun(problem, config, store, llm, run_id, on_event, on_tokens))
    return ShotRun(problem, config, store, llm, run_id, on_event, on_tokens)


def shot_graph(run: ShotRun, saver: AsyncSqliteSaver, *, pause_between_rounds: bool = False):
    """The compiled loop; an interactive session pauses it before every round (a LangGraph
    interrupt, saved in the checkpoint so a resumed session finds the pending question)."""
    return run.graph().compile(checkpointer=saver,
                                         interrupt_before=["reason"] if pause_between_rounds else None)


def shot_thread(run: ShotRun, shot: int) -> dict:
    return {"configurable": {"thread_id": f"{run.run_id}/{run.problem.id}/{shot}"}, "recursion_limit": RECURSION_LIMIT}


async def solve_problem(
    problem: Problem,
    config: Config,
    store: RunStore,
    *,
    command: str = "solve",
    run_id: str | None = None,
    on_event: EventSink = ignore_event,
    on_tokens: TokenSink | None = None,
    on_run_started: Callable[[str], None] | None = None,
) -> SolveResult:
    """Run (or with `run_id`, resume) every shot of `problem`, then select one result."""
    if run_id is None:
        problem = stored_problem(store, problem)
        run_id = store.start_run(command, config.masked())
    if on_run_started is not None:
        on_run_started(run_id)
    with run_lease.held(store, run_id):
        llm = LLMClient(config, on_call=store.record_call)
        run = make_run(problem, config, store, llm, run_id, on_event, on_tokens)
        try:
            async with open_checkpoints(config.store.path) as saver:
                graph = shot_graph(run, saver)
                statuses = await _run_shots(graph, run)
            selection = await select_result(run, statuses)  # a tournament or grader still calls the model
        except StoreFullError:
            raise  # recording the failure would hit the full disk again; the run stays resumable
        except Exception as error:
            store.finish_run(run_id, RunStatus.FAILED)
            store.update_run(run_id, note=redact(f"{type(error).__name__}: {error}")[:2000])  # `lemmata show` names the cause
            raise
        except BaseException:  # Ctrl-C or cancellation: resumable with --resume
            store.finish_run(run_id, RunStatus.INTERRUPTED)
            raise
        finally:
            await llm.aclose()
        store.finish_run(run_id)
    return _result(run, statuses, selection)


async def _run_shots(graph, run: ShotRun) -> dict[int, str]:
    settings = run.config.loop
    statuses: dict[int, str] = {}
    tasks = {asyncio.create_task(run_shot(graph, run, shot)): shot for shot in range(settings.shots)}
    pending = set(tasks)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            statuses[tasks[task]] = task.result()
        verified = sum(status == ShotStatus.VERIFIED for status in statuses.values())
        if settings.stop_after and verified >= settings.stop_after and pending:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for task in pending:
                statuses[tasks[task]] = ShotStatus.STOPPED
                shot_records(run, tasks[task]).save_sample(status=ShotStatus.STOPPED)
            pending = set()
    return statuses


async def run_shot(graph, run: ShotRun, shot: int) -> str:
    """Run one shot to its end, or continue it from its last checkpoint; returns its status."""
    thread = shot_thread(run, shot)
    snapshot = await graph.aget_state(thread)
    if snapshot.values and not snapshot.next and snapshot.values.get("status"):
        return snapshot.values["status"]  # finished before a resume
    # No `next` but no status either: killed after a step's writes were saved and before the
    # checkpoint that follows them was; `next` leaves out tasks with saved writes, so it looks
    # finished. Invoking with None applies those writes and carries on from there.
    if not snapshot.values:
        shot_records(run, shot).save_sample(status=ShotStatus.RUNNING)
        run.on_event(LoopEvent("shot_started", run.problem.id, shot))
        inputs = run.initial_state(shot)
    else:
        inputs = None  # continue from the last checkpoint
    final = await graph.ainvoke(inputs, thread, durability="sync")
    return final["status"]


async def select_result(run: ShotRun, statuses: dict[int, str]) -> Selection | None:
    """Choose among the finished shots and record the choice."""
    candidates = []
    for row in run.store.samples(run.run_id):
        if row["problem_id"] != run.problem.id or row["sample"] not in statuses:
            continue
        final = final_revision(run, row["sample"])
        if final and final["votes"]:
            rate = final["passes"] / final["votes"]
        else:  # no process votes (the geometry engine's proofs are checked, not voted on)
            rate = 1.0 if row["status"] == ShotStatus.VERIFIED else 0.0
        candidates.append(Candidate(row["sample"], row["answer"], rate))
    selection = await _select(run, candidates)
    if selection is not None:
        records.add_selection(run.store, run.run_id, run.problem.id, shot=selection.shot, method=selection.method,
                              answer=selection.answer, score=selection.score)
        run.on_event(LoopEvent("selected", run.problem.id, selection.shot, detail={"answer": selection.answer}))
    return selection


async def _select(run: ShotRun, candidates: list[Candidate]) -> Selection | None:
    """The configured rule (`[loop] select`); the matches and grades behind it are stored."""
    method = run.settings.select or (SelectMethod.VOTE if run.problem.kind == ProblemKind.ANSWER
                                     else SelectMethod.VERIFIER)
    selection = None
    if method == SelectMethod.VOTE and run.problem.kind == ProblemKind.ANSWER:
        selection = await select_by_verifier_vote(candidates, _same_answer)
    elif method in (SelectMethod.TOURNAMENT, SelectMethod.GRADER):
        try:
            selection = await _select_by_model(run, candidates, method)
        except ModelCallError as error:  # the judge or grader is down: the shots' work is not lost
            log.warning("%s selection failed (%s); selecting by verifier pass rate", method, error)
    # verifier, and every rule that found nothing to choose from (no boxed answer, no solution)
    return selection or select_best_verified(candidates)


async def _select_by_model(run: ShotRun, candidates: list[Candidate], method: str) -> Selection | None:
    """Tournament or grader selection; every match and grade is stored."""
    selection_records.clear_selection(run.store, run.run_id, run.problem.id)
    solutions = {c.shot: sample["solution"] for c in candidates
                 if (sample := _sample(run, c.shot)) and sample["solution"]}
    contenders = [c for c in candidates if c.shot in solutions]
    if method == SelectMethod.TOURNAMENT:
        selection, comparisons = await select_by_tournament(contenders, tournament_judge(run, solutions))
        for match in comparisons:
            selection_records.add_comparison(
                run.store, run.run_id, run.problem.id, stage=match.stage, first_shot=match.first,
                second_shot=match.second, winner_shot=match.winner, outcome=match.outcome.value,
                reason=match.reason, call_id=match.call_id)
    else:
        call_ids: dict[int, list[int]] = {}
        selection, grades = await select_by_grade(contenders, selection_grader(run, solutions, call_ids))
        for shot, score in grades.items():
            selection_records.add_selection_grade(run.store, run.run_id, run.problem.id, shot, score,
                                                  call_ids.get(shot, []))
    return selection


def _sample(run: ShotRun, shot: int) -> dict | None:
    return shot_records(run, shot).sample()


async def _same_answer(first: str, second: str) -> bool:
    if first.strip() == second.strip():
        return True
    grade = await agrade(gold=second, response=f"\\boxed{{{first}}}")
    return grade.verdict == Verdict.CORRECT


def final_revision(run: ShotRun, shot: int) -> dict | None:
    return shot_records(run, shot).final_revision()


def _result(run: ShotRun, statuses: dict[int, str], selection: Selection | None) -> SolveResult:
    if selection is None:
        return SolveResult(run.run_id, run.problem.id, None, None, ShotStatus.NO_SOLUTION, None, statuses)
    sample = _sample(run, selection.shot)
    return SolveResult(run.run_id, run.problem.id, selection.answer, sample["solution"],
                       statuses[selection.shot], selection.shot, statuses)


def stored_problem(store: RunStore, problem: Problem) -> Problem:
    """`problem` stored, under the id the store gave it (its own unless another problem has it)."""
    stored_id = store.add_problem(StoredProblem(problem.id, problem.text, problem.answer, problem.kind, problem.source))
    return dataclasses.replace(problem, id=stored_id)


def problem_of_run(store: RunStore, run_id: str) -> Problem:
    """The problem a `solve` run worked on, for `--resume`."""
    rows = store.samples(run_id)
    if not rows:
        raise LookupError(f"run {run_id} has no recorded shots to resume")
    stored = store.problem(rows[0]["problem_id"])
    return Problem(stored.id, stored.text, stored.answer, ProblemKind(stored.kind), stored.source)


def stored_result(store: RunStore, run_id: str) -> SolveResult:
    """The result a finished `solve` run recorded, read back without any model call."""
    samples = store.samples(run_id)
    shots = {row["sample"]: row["status"] or "" for row in samples}
    problem_id = samples[0]["problem_id"] if samples else ""
    chosen = records.latest_selection(store, run_id)
    if chosen is None:
        return SolveResult(run_id, problem_id, None, None, ShotStatus.NO_SOLUTION, None, shots)
    shot = chosen["shot"]
    sample = next((row for row in samples if row["sample"] == shot), {})
    return SolveResult(run_id, problem_id, chosen["answer"], sample.get("solution"), shots.get(shot, ""), shot, shots)
