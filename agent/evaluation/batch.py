"""Batch solving of a competition set: problems x samples, bounded concurrency, graded as each
sample finishes, resumable; a sample is one independent shot of the lemma loop."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field


from lemmata.agent.config import Config, updated
from lemmata.agent.loop.events import LoopEvent
from lemmata.agent.problems import Problem, ProblemKind
from lemmata.memory.checkpoints import open_checkpoints
from lemmata.agent.loop.graph import ShotRun, shot_records
from lemmata.agent.loop.roles import Role
from lemmata.agent.evaluation.proof_grader import grade_proof
from lemmata.agent.evaluation.proof_grades import PASS_SCORE, GradingSettings
from lemmata.agent.loop.solve import make_run, run_shot, select_result, shot_graph, stored_problem
from lemmata.engines.answers import agrade, answer_section
from lemmata.engines.answers.judge import client_judge
from lemmata.engines.llm import CallResult, LLMClient
from lemmata.engines.llm.redaction import redact
from lemmata.memory import RunStore
from lemmata.memory import loop_records as records
from lemmata.memory import proof_records
from lemmata.memory import run_lease
from lemmata.memory.statuses import FINISHED_SHOTS, ShotStatus
from lemmata.memory.store_errors import RunNotFound, StoreFullError
from lemmata.memory.terminal_text import inert

log = logging.getLogger(__name__)

@dataclass
class BatchProgress:
    """Counters a display reads; updated from loop events, model calls and grades."""

    problems_total: int = 0
    samples_total: int = 0
    problems_done: int = 0
    samples_done: int = 0
    samples_skipped: int = 0
    """Finished before a resume."""
    in_flight: int = 0
    graded: int = 0
    correct: int = 0
    failed_samples: int = 0
    completion_tokens: int = 0
    calls: int = 0
    truncated: int = 0
    empty_outputs: int = 0
    parse_failures: int = 0
    retries: int = 0
    call_errors: int = 0
    failed_endpoints: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    """Why samples failed: one line per kind of error, with how many samples it ended."""
    started_at: float = field(default_factory=time.monotonic)
    stopping: bool = False
    proofs_graded: int = 0
    """Proofs with a grade on the 0-7 scale (failed grades are not counted here)."""
    proof_points: int = 0
    """Sum of those grades."""

    @property
    def mean_proof_score(self) -> float | None:
        return self.proof_points / self.proofs_graded if self.proofs_graded else None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.graded if self.graded else None

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / max(time.monotonic() - self.started_at, 1e-6)

    def on_call(self, result: CallResult) -> None:
        self.calls += 1
        self.completion_tokens += result.completion_tokens
        self.retries += result.retries
        if result.error:
            self.call_errors += 1
        elif result.truncated:
            self.truncated += 1
        elif not any(c.text.strip() or c.reasoning.strip() for c in result.choices):
            self.empty_outputs += 1

    def on_event(self, event: LoopEvent) -> None:
        if event.kind == "parse_failure":
            self.parse_failures += 1


@dataclass(frozen=True)
class BatchPlan:
    """What a batch run is asked to do; stored with the run so that --resume redoes the same."""

    dataset: str
    problem_ids: list[str]
    samples: int
    concurrency: int
    judge: bool = False
    """Answers the rules leave undecided go to the judge role; `batch` sets it when `[roles.judge]`
    is configured, and a resumed run keeps the choice it started with."""

    def to_json(self) -> dict:
        return self.__dict__.copy()


def start_batch(store: RunStore, config: Config, problems: list[Problem], plan: BatchPlan
                ) -> tuple[str, list[Problem], BatchPlan]:
    """Store the problems and the run; returns (run id, problems and plan under their stored ids)."""
    problems = [stored_problem(store, problem) for problem in problems]
    for problem in problems:
        if problem.kind == ProblemKind.PROOF:
            proof_records.save_rubric(store, problem.id, reference=problem.reference,
                                      guidelines=problem.guidelines, level=problem.level)
    plan = dataclasses.replace(plan, problem_ids=[problem.id for problem in problems])
    return store.start_run("batch", {**config.masked(), "batch": plan.to_json()}), problems, plan


def plan_of_run(store: RunStore, run_id: str) -> tuple[BatchPlan, list[Problem], dict]:
    """The plan, problems and loop settings a batch run was started with."""
    try:
        run = store.run(run_id)
    except RunNotFound:
        raise LookupError(f"no run '{run_id}' in {store.path}; check the id and --db") from None
    recorded = json.loads(run["config"])
    if run["command"] != "batch" or "batch" not in recorded:
        raise LookupError(f"run {run_id} is not a batch run")
    plan = BatchPlan(**recorded["batch"])
    problems = []
    for problem_id in plan.problem_ids:
        stored = store.problem(problem_id)
        rubric = proof_records.rubric(store, problem_id) or {}
        problems.append(Problem(stored.id, stored.text, stored.answer, ProblemKind(stored.kind), stored.source,
                                reference=rubric.get("reference"), guidelines=rubric.get("guidelines"),
                                level=rubric.get("level")))
    return plan, problems, recorded.get("loop", {})


def grading_of_run(store: RunStore, run_id: str) -> GradingSettings:
    """The proof-grading settings a batch run started with, so that a resume grades alike."""
    recorded = json.loads(store.run(run_id)["config"])
    return GradingSettings.model_validate(recorded.get("grading") or {})


async def run_batch(
    run_id: str,
    problems: list[Problem],
    plan: BatchPlan,
    config: Config,
    store: RunStore,
    progress: BatchProgress,
    *,
    stop: asyncio.Event | None = None,
) -> BatchProgress:
    """Solve every (problem, sample) not finished yet; `stop` set = start nothing new."""
    stop = stop or asyncio.Event()
    config = updated(config, "loop", shots=plan.samples, stop_after=None)
    progress.problems_total, progress.samples_total = len(problems), len(problems) * plan.samples

    def observe(result: CallResult) -> None:
        store.record_call(result)
        progress.on_call(result)
        progress.failed_endpoints = llm.endpoints_out()

    llm = LLMClient(config, on_call=observe)
    slots = asyncio.Semaphore(plan.concurrency)
    done_samples = _finished_samples(store, run_id)
    graded = records.grades(store, run_id)
    progress.graded = len(graded)
    progress.correct = sum(row["verdict"] == "correct" for row in graded.values())
    proofs = proof_records.proof_grades(store, run_id)
    for row in proofs.values():
        _count_proof(progress, row["score"])
    graded = {**graded, **proofs}
    try:
        with run_lease.held(store, run_id):
            async with open_checkpoints(config.store.path) as saver:
                await _all_or_first_error([
                    _solve_problem(problem, plan, config, store, llm, saver, slots, stop, progress, run_id,
                                   done_samples, graded)
                    for problem in problems
                ])
    finally:
        await llm.aclose()
    return progress


async def _all_or_first_error(coroutines: list) -> list:
    """Run them together; on the first error cancel the rest and collect their outcomes, so no
    second error is left unretrieved (asyncio would print its traceback at exit)."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _solve_problem(problem, plan, config, store, llm, saver, slots, stop, progress, run_id, done_samples,
                         graded) -> None:
    run = make_run(problem, config, store, llm, run_id, progress.on_event)
    graph = shot_graph(run, saver)
    statuses: dict[int, str] = {}

    async def one_sample(sample: int) -> None:
        if (problem.id, sample) in done_samples:
            statuses[sample] = done_samples[(problem.id, sample)]
            progress.samples_skipped += 1
            if (problem.id, sample) not in graded:  # finished, then killed before its grade landed
                await _grade(run, sample, progress, llm if plan.judge else None)
            progress.samples_done += 1
            return
        async with slots:
            if stop.is_set():
                return
            progress.in_flight += 1
            try:
                statuses[sample] = await run_shot(graph, run, sample)
            except StoreFullError:
                stop.set()  # the disk is full for every sample: stop, recording nothing more
                raise
            except Exception as error:  # noqa: BLE001 - one sample's failure must not end the batch
                log.info("%s sample %d failed: %s", inert(problem.id), sample, inert(redact(str(error))))
                shot_records(run, sample).save_sample(status=ShotStatus.FAILED, error=str(error)[:2000])
                progress.failed_samples += 1
                progress.errors[_error_kind(error)] += 1
                return
            finally:
                progress.in_flight -= 1
        await _grade(run, sample, progress, llm if plan.judge else None)
        progress.samples_done += 1

    await _all_or_first_error([one_sample(sample) for sample in range(plan.samples)])
    if len(statuses) == plan.samples:
        await select_result(run, statuses)
        progress.problems_done += 1


async def _grade(run: ShotRun, sample: int, progress: BatchProgress, judge_llm: LLMClient | None = None) -> None:
    """A proof problem's sample gets a proof grade, an answer problem's an answer grade (asking the
    judge role through `judge_llm`, when given, if the rules cannot decide)."""
    store, run_id, problem = run.store, run.run_id, run.problem
    row = shot_records(run, sample).sample()
    if problem.kind == ProblemKind.PROOF:
        grade = await grade_proof(run, sample, row["solution"] or "", run.config.grading)
        proof_records.save_proof_grade(store, run_id, problem.id, sample, grade.row())
        _count_proof(progress, grade.score)
        return
    if problem.answer is None:
        return
    # The reasoner's lemma boxes follow its answer; a "last box" reading must not take them.
    judge = None if judge_llm is None else client_judge(
        judge_llm, Role.JUDGE.value, tags={"run_id": run_id, "problem_id": problem.id, "shot": sample})
    grade = await agrade(problem.answer, answer_section(row["solution"] or ""), problem.text, judge=judge)
    records.save_grade(store, run_id, problem.id, sample, verdict=grade.verdict.value,
                       decided_by=grade.decided_by.value, reason=grade.reason, extracted=grade.extracted,
                       gold=problem.answer, seconds=grade.seconds)
    progress.graded += 1
    progress.correct += grade.verdict.value == "correct"


def _count_proof(progress: BatchProgress, score: int | None) -> None:
    progress.graded += 1
    if score is not None:
        progress.proofs_graded += 1
        progress.proof_points += score
        progress.correct += score >= PASS_SCORE


def _error_kind(error: Exception) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__


def _finished_samples(store: RunStore, run_id: str) -> dict[tuple[str, int], str]:
    return {
        (row["problem_id"], row["sample"]): row["status"]
        for row in store.samples(run_id)
        if row["status"] in FINISHED_SHOTS
    }
