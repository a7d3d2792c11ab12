"""The proof grader role: an ensemble of graders scores one proof on the 0-7 scale.

Calls go through the loop's idempotent, recorded, parse-retried call (`ShotRun.call_parsed`),
so every grader answer is stored, a garbled one is retried per the parse-failure policy and a
resumed run reads finished calls back instead of paying for them again.
"""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from lemmata import prompts
from lemmata.agent.config import Config
from lemmata.agent.loop.events import ignore_event
from lemmata.agent.loop.graph import ShotRun
from lemmata.agent.problems import Problem
from lemmata.agent.evaluation.proof_grades import (
    GraderAnswer,
    GradingSettings,
    ProofGrade,
    ProofScale,
    combine,
    parse_grader_answer,
    refused,
)
from lemmata.agent.loop.role_outputs import OutputParseError
from lemmata.agent.loop.roles import Role
from lemmata.engines.llm import LLMClient
from lemmata.memory import RunStore, StoredProblem, proof_records
from lemmata.memory.statuses import RunStatus

SCALE_RULES = {
    ProofScale.BUCKETS: (
        "Give exactly one of these scores: 7 = a complete and correct proof; 6 = almost complete "
        "(correct apart from minor errors or omissions, as the (Almost) items say); 1 = partial progress "
        "(substantial progress as one or more (Partial) items say, but not a proof); 0 = no substantial "
        "progress, or a fatal error. No other score is allowed."),
    ProofScale.FULL: (
        "Give an integer score from 0 to 7: 7 for a complete and correct proof, 6 for a proof with "
        "minor errors, 1 to 5 by the marking-scheme items credited, 0 for no substantial progress."),
}
NONE_GIVEN = "(none given)"


def proof_problem(proof: str, settings: GradingSettings) -> str | None:
    """Why this proof is not sent to a grader (empty, too long), or None when it may be."""
    if not proof.strip():
        return "the proof is empty: there is nothing to grade"
    if len(proof) > settings.max_proof_chars:
        return (f"the proof has {len(proof):,} characters, over the grader's limit of "
                f"{settings.max_proof_chars:,} ([grading] max_proof_chars)")
    return None


async def grade_proof(run: ShotRun, sample: int, proof: str, settings: GradingSettings, *,
                      key: str | None = None) -> ProofGrade:
    """The ensemble grade of `proof` for `run.problem`; the grader sees the problem's reference
    solution and guidelines when it has them. Never raises for a bad proof or a bad answer:
    those come back as a failed grade with its reason."""
    mode = settings.proof_scale
    refusal = proof_problem(proof, settings)
    if refusal is not None:
        return refused(mode, refusal)
    problem = run.problem
    messages = prompts.render("proof_grader", scale=SCALE_RULES[mode], problem=problem.text, proof=proof,
                              reference=problem.reference or NONE_GIVEN, guidelines=problem.guidelines or NONE_GIVEN)
    key = key or f"s{sample}/grade"
    failed_attempts = 0

    def parse(text: str) -> GraderAnswer:
        nonlocal failed_attempts
        try:
            return parse_grader_answer(text, mode)
        except OutputParseError:
            failed_attempts += 1  # retried ones too: a grader that needs retries is worth knowing about
            raise

    results = await asyncio.gather(*[
        run.call_parsed(Role.GRADER, messages, f"{key}/g{i}", sample, 0, parse)
        for i in range(settings.proof_graders)
    ])
    answers = [parsed for parsed, _, _ in results]
    reasons = [why for _, _, why in results]
    grade = combine(mode, answers, reasons, [call_id for _, call_id, _ in results if call_id is not None])
    grade.parse_failures = failed_attempts
    return grade


class ProofJob(NamedTuple):
    """One proof to grade: its problem (with any reference and guidelines) and its sample index."""

    problem: Problem
    sample: int
    proof: str


async def grade_in_new_run(config: Config, store: RunStore, command: str, jobs: list[ProofJob],
                           concurrency: int = 8) -> tuple[str, list[ProofGrade]]:
    """Record a run `command` and grade every job in it, at most `concurrency` at once; each
    grade is stored as it lands. A server that stays down raises ModelCallError (the run is
    marked failed); bad proofs and bad grader answers are failed grades, not errors."""
    for job in jobs:
        store.add_problem(StoredProblem(job.problem.id, job.problem.text, job.problem.answer, job.problem.kind,
                                        job.problem.source))
    run_id = store.start_run(command, config.masked())
    llm = LLMClient(config, on_call=store.record_call)
    slots = asyncio.Semaphore(concurrency)

    async def one(job: ProofJob) -> ProofGrade:
        async with slots:
            run = ShotRun(job.problem, config, store, llm, run_id, ignore_event)
            grade = await grade_proof(run, job.sample, job.proof, config.grading)
        proof_records.save_proof_grade(store, run_id, job.problem.id, job.sample, grade.row())
        return grade

    try:
        grades = await asyncio.gather(*[one(job) for job in jobs])
    except BaseException:
        store.finish_run(run_id, RunStatus.FAILED)
        raise
    finally:
        await llm.aclose()
    store.finish_run(run_id)
    return run_id, list(grades)
