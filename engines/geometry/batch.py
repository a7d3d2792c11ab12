"""Solve many problems in worker processes, each with its own time limit (a hard kill backs
up the engine's cooperative deadline)."""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

# Seconds a worker may overrun its timeout before it is killed.
KILL_GRACE = 5.0


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
    return BatchRecord(name, sol.proved, sol.seconds, len(sol.proof), sol.facts, status)


def _worker(name: str, text: str, timeout: float, seed: int, queue) -> None:
    try:
        queue.put(solve_record(name, text, timeout, seed))
    except Exception as exc:  # report, never hang the batch
        queue.put(BatchRecord(name, False, 0.0, 0, 0, f"error: {type(exc).__name__}: {exc}"))


def solve_many(problems: dict[str, str], timeout: float = 60.0, jobs: int = 1, seed: int = 0,
               on_result: Callable[[BatchRecord], None] | None = None) -> list[BatchRecord]:
    """Solve every (name → statement) problem with at most `jobs` worker processes."""
    results: dict[str, BatchRecord] = {}
    for record in _run(problems, timeout, max(1, jobs), seed):
        results[record.name] = record
        if on_result:
            on_result(record)
    return [results[n] for n in problems if n in results]


def _run(problems: dict[str, str], timeout: float, jobs: int, seed: int) -> Iterator[BatchRecord]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    todo = list(problems.items())
    running: dict[str, tuple] = {}
    while todo or running:
        while todo and len(running) < jobs:
            name, text = todo.pop(0)
            proc = ctx.Process(target=_worker, args=(name, text, timeout, seed, queue), daemon=True)
            proc.start()
            running[name] = (proc, time.monotonic())
        try:
            record = queue.get(timeout=0.2)
        except Exception:
            record = None
        if record is not None:
            proc, _ = running.pop(record.name, (None, 0))
            if proc is not None:
                proc.join(1)
            yield record
        for name, (proc, started) in list(running.items()):
            elapsed = time.monotonic() - started
            if elapsed > timeout + KILL_GRACE:
                proc.kill()
                proc.join(1)
                running.pop(name)
                yield BatchRecord(name, False, elapsed, 0, 0, "timeout")
            elif not proc.is_alive() and proc.exitcode not in (0, None) and queue.empty():
                running.pop(name)
                yield BatchRecord(name, False, elapsed, 0, 0, f"error: worker exit {proc.exitcode}")
