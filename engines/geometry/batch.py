"""Solve many problems in worker processes, each with its own time limit (a hard kill backs
up the engine's cooperative deadline)."""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import TypeVar

# Seconds a worker may overrun its timeout before it is killed.
KILL_GRACE = 5.0
R = TypeVar("R")


@dataclass
class BatchRecord:
    """One problem's outcome in a batch."""

    name: str
    proved: bool
    seconds: float
    steps: int
    """Proof length (0 when not proved)."""
    facts: int
    status: str
    """'proved', 'saturated', 'timeout' or 'error: …'."""

    def as_dict(self) -> dict:
        return asdict(self)


def solve_record(name: str, text: str, timeout: float, seed: int) -> BatchRecord:
    """Solve one problem in this process and summarise it."""
    from engines.geometry.errors import GeometryError
    from engines.geometry.language import parse_problem
    from engines.geometry.solver import solve

    start = time.monotonic()
    try:
        sol = solve(parse_problem(text, name), timeout=timeout, seed=seed)
    except GeometryError as exc:
        return BatchRecord(name, False, time.monotonic() - start, 0, 0, f"error: {exc}")
    status = "proved" if sol.proved else ("timeout" if sol.timed_out else "saturated")
    if sol.rejected:
        status = "rejected by the checker: " + "; ".join(sol.rejected)
    return BatchRecord(name, sol.proved, sol.seconds, len(sol.proof), sol.facts, status)


def _worker(task: Callable, name: str, text: str, timeout: float, seed: int, queue) -> None:
    try:
        queue.put(task(name, text, timeout, seed))
    except Exception as exc:  # report, never hang the batch
        queue.put(("failed", name, f"error: {type(exc).__name__}: {exc}"))


def solve_many(problems: dict[str, str], timeout: float = 60.0, jobs: int = 1, seed: int = 0,
               on_result: Callable[[BatchRecord], None] | None = None) -> list[BatchRecord]:
    """Solve every (name → statement) problem with at most `jobs` worker processes."""
    results: dict[str, BatchRecord] = {}
    failed = lambda name, seconds, status: BatchRecord(name, False, seconds, 0, 0, status)  # noqa: E731
    for record in run_in_workers(problems, solve_record, failed, timeout=timeout, jobs=jobs, seed=seed):
        results[record.name] = record
        if on_result:
            on_result(record)
    return [results[n] for n in problems if n in results]


def run_in_workers(problems: dict[str, str], task: Callable[[str, str, float, int], R],
                   failed: Callable[[str, float, str], R], *, timeout: float, jobs: int, seed: int,
                   kill_grace: float = KILL_GRACE) -> Iterator[R]:
    """`task(name, statement, timeout, seed)` for every problem, each in its own forked process,
    at most `jobs` at a time; a process still running `kill_grace` seconds past its timeout is
    killed. Results come as they finish (each has a `.name`); a killed or crashed worker yields
    `failed(name, seconds, status)` with status 'timeout' or 'error: …'."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    todo = list(problems.items())
    running: dict[str, tuple] = {}
    while todo or running:
        while todo and len(running) < max(1, jobs):
            name, text = todo.pop(0)
            proc = ctx.Process(target=_worker, args=(task, name, text, timeout, seed, queue), daemon=True)
            proc.start()
            running[name] = (proc, time.monotonic())
        try:
            record = queue.get(timeout=0.2)
        except Exception:
            record = None
        if record is not None:
            if isinstance(record, tuple):  # the task raised in the worker
                _, name, status = record
                proc, started = running.pop(name, (None, time.monotonic()))
                record = failed(name, time.monotonic() - started, status)
            else:
                proc, _ = running.pop(record.name, (None, 0))
            if proc is not None:
                proc.join(1)
            yield record
        for name, (proc, started) in list(running.items()):
            elapsed = time.monotonic() - started
            if elapsed > timeout + kill_grace:
                proc.kill()
                proc.join(1)
                running.pop(name)
                yield failed(name, elapsed, "timeout")
            elif not proc.is_alive() and proc.exitcode not in (0, None) and queue.empty():
                running.pop(name)
                yield failed(name, elapsed, f"error: worker exit {proc.exitcode}")
