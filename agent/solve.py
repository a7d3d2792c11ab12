"""Solve one problem: for now one reasoner call, its boxed answer taken, everything stored."""

from __future__ import annotations

from dataclasses import dataclass

import prompts
from agent.config import Config
from agent.parsing import last_boxed
from agent.problems import Problem
from agent.roles import Role
from engines.llm import LLMClient, TokenCallbackType
from memory import RunStore, StoredProblem


@dataclass
class SolveResult:
    run_id: str
    problem_id: str
    answer: str | None
    """The last \\boxed{} of the solution, None when there is none."""
    solution: str
    status: str
    """finished | truncated | no_answer | failed"""
    tokens: int


async def solve_problem(
    problem: Problem,
    config: Config,
    store: RunStore,
    *,
    command: str = "solve",
    on_token: TokenCallbackType | None = None,
) -> SolveResult:
    store.add_problem(StoredProblem(problem.id, problem.text, problem.answer, problem.kind, problem.source))
    run_id = store.start_run(command, config.masked())
    llm = LLMClient(config, on_call=store.record_call)
    try:
        result = await llm.chat(
            Role.REASONER,
            prompts.render("solve", problem=problem.text),
            on_token=on_token,
            tags={"run_id": run_id, "problem_id": problem.id, "sample": 0},
        )
    except Exception as error:
        store.save_sample(run_id, problem.id, 0, status="failed", error=str(error))
        store.finish_run(run_id, "failed")
        raise
    finally:
        await llm.aclose()
    solution = result.choices[0].text
    if result.truncated:
        status, answer = "truncated", None
    else:
        answer = last_boxed(solution)
        status = "finished" if answer is not None else "no_answer"
    store.save_sample(run_id, problem.id, 0, status=status, answer=answer, solution=solution)
    store.finish_run(run_id)
    return SolveResult(run_id, problem.id, answer, solution, status, result.completion_tokens)


__all__ = ["SolveResult", "solve_problem"]
