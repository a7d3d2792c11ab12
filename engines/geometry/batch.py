"""Solve many problems in worker processes, each with its own time limit (a hard kill backs
up the engine's cooperative deadline)."""

from __future__ import annotations

import math
import multiprocessing as mp
import resource
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TypeVar

# CPU seconds a worker may overrun its timeout before the kernel stops it (RLIMIT_CPU).
KILL_GRACE = 5.0
KERNEL_SLACK = 2.0
"""RLIMIT_CPU is set to this many times (timeout + grace): the kernel counts CPU time by
sampling at ticks, which on a loaded machine runs ahead of the engine's precise clock (see
`clock`; a limit of 70 s was reached at 52 s of `process_time` at load 7 on 2 cores), so a
tight limit would stop a task that is still inside its budget."""
WALL_FACTOR = 40.0
"""A worker is also killed after WALL_FACTOR × (timeout + grace) wall seconds: budgets are CPU
time, and a busy machine stretches wall time (a niced worker on a loaded 2-core machine was
measured at 9% of a core), so the wall limit only catches a worker that hangs without
computing."""
ALARM_GRACE = KILL_GRACE
"""CPU seconds past its timeout at which a task's own alarm (on the engine's clock) ends a step
that does not look at the clock (writing out and checking a proof found at the deadline fits
in it); the task then reports 'unproved' or 'timeout' itself, and the kernel's RLIMIT_CPU kill
only catches code that ignores signals."""
HARD_EXTRA = 5
"""CPU seconds between RLIMIT_CPU's soft limit (SIGXCPU) and its hard limit (SIGKILL)."""
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
    """'proved', 'saturated', 'timeout', 'rejected by the checker: …' or 'error: …'."""
    plain: bool = False
    """Proved by deduction alone (no auxiliary point)."""
    aux: list[str] = field(default_factory=list)
    """Auxiliary clauses the proof uses (heuristic search only)."""
    tried: int = 0
    """Auxiliary candidates tried within the budget (heuristic search only)."""
    phase: str = ""
    """Which stage of the heuristic search found the proof ('plain', 'batch', 'single',
    'symmetric', 'pair'), else ''."""

    def as_dict(self) -> dict:
        return asdict(self)


def solve_record(name: str, text: str, timeout: float, seed: int) -> BatchRecord:
    """Solve one problem in this process and summarise it."""
    from lemmata.engines.geometry.clock import BudgetSpent, cpu_alarm, now
    from lemmata.engines.geometry.errors import GeometryError
    from lemmata.engines.geometry.language import parse_problem
    from lemmata.engines.geometry.solver import solve

    start = now()
    try:
        with cpu_alarm(timeout + ALARM_GRACE):
            sol = solve(parse_problem(text, name), timeout=timeout, seed=seed)
    except GeometryError as exc:
        return BatchRecord(name, False, now() - start, 0, 0, f"error: {exc}")
    except BudgetSpent:
        return BatchRecord(name, False, now() - start, 0, 0, "timeout")
    status = "proved" if sol.proved else ("timeout" if sol.timed_out else "saturated")
    if sol.rejected:
        status = "rejected by the checker: " + "; ".join(sol.rejected)
    return BatchRecord(name, sol.proved, sol.seconds, len(sol.proof), sol.facts, status)


def search_record(name: str, text: str, timeout: float, seed: int) -> BatchRecord:
    """Deduction, then heuristic auxiliary points with what is left of the budget, in this
    process; every proof it reports has passed the checker."""
    from lemmata.engines.geometry.auxiliary import search
    from lemmata.engines.geometry.clock import BudgetSpent, cpu_alarm, now
    from lemmata.engines.geometry.errors import GeometryError

    start = now()
    try:
        with cpu_alarm(timeout + ALARM_GRACE):
            found = search(text, timeout=timeout, seed=seed, name=name)
    except GeometryError as exc:
        return BatchRecord(name, False, now() - start, 0, 0, f"error: {exc}")
    except BudgetSpent:
        return BatchRecord(name, False, now() - start, 0, 0, "unproved; the budget ended mid-step")
    status = "proved" if found.proved else "unproved"
    if found.rejected:
        status += "; rejected by the checker: " + "; ".join(found.rejected[:2])
    record = found.session.proof_record() if found.proved and found.session else None
    facts = len(found.session.ded.db.facts) if found.session and found.session.ded else 0
    return BatchRecord(name, found.proved, found.seconds, len(record.steps) if record else 0, facts,
                       status, found.plain_proved, list(found.clauses), found.tried, found.phase)


TASKS = {"none": solve_record, "heuristic": search_record}
"""Per-problem task by auxiliary-point mode (the CLI's `--aux` choices)."""


def _worker(task: Callable, name: str, text: str, timeout: float, seed: int, queue,
            cpu_limit: float | None = None) -> None:
    if cpu_limit is not None:
        # SIGXCPU at the soft limit ends the task as over budget (the task's alarm handles
        # it); SIGKILL at the hard limit ends code that ignores signals.
        soft = math.ceil(cpu_limit * KERNEL_SLACK)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY:
            hard = soft + HARD_EXTRA
        soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    try:
        queue.put(task(name, text, timeout, seed))
    except Exception as exc:  # report, never hang the batch
        queue.put(("failed", name, f"error: {type(exc).__name__}: {exc}"))


def solve_many(problems: dict[str, str], timeout: float = 60.0, jobs: int = 1, seed: int = 0,
               on_result: Callable[[BatchRecord], None] | None = None, aux: str = "none",
               kill_grace: float = KILL_GRACE) -> list[BatchRecord]:
    """Solve every (name → statement) problem with at most `jobs` worker processes; `aux`
    'heuristic' adds the auxiliary-point search. `timeout` is CPU seconds per problem."""
    results: dict[str, BatchRecord] = {}
    failed = lambda name, seconds, status: BatchRecord(name, False, seconds, 0, 0, status)  # noqa: E731
    for record in run_in_workers(problems, TASKS[aux], failed, timeout=timeout, jobs=jobs, seed=seed,
                                 kill_grace=kill_grace):
        results[record.name] = record
        if on_result:
            on_result(record)
    return [results[n] for n in problems if n in results]


def run_in_workers(problems: dict[str, str], task: Callable[[str, str, float, int], R],
                   failed: Callable[[str, float, str], R], *, timeout: float, jobs: int, seed: int,
                   kill_grace: float = KILL_GRACE) -> Iterator[R]:
    """`task(name, statement, timeout, seed)` for every problem, each in its own forked process,
    at most `jobs` at a time; a task ends itself at its timeout (the search's deadlines, then its
    CPU alarm), RLIMIT_CPU (see KERNEL_SLACK) stops one that ignores signals, and a wall-clock kill
    backs that up. Results come as they finish (each has a `.name`); a killed or crashed worker yields
    `failed(name, seconds, status)` with status 'timeout' or 'error: …'."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    todo = list(problems.items())
    running: dict[str, tuple] = {}
    while todo or running:
        while todo and len(running) < max(1, jobs):
            name, text = todo.pop(0)
            proc = ctx.Process(target=_worker, args=(task, name, text, timeout, seed, queue,
                                                     timeout + kill_grace), daemon=True)
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
            if elapsed > WALL_FACTOR * (timeout + kill_grace):
                proc.kill()
                proc.join(1)
                running.pop(name)
                yield failed(name, elapsed, "timeout")
            elif not proc.is_alive() and proc.exitcode not in (0, None) and queue.empty():
                running.pop(name)
                over_cpu = proc.exitcode in (-signal.SIGXCPU, -signal.SIGKILL)
                yield failed(name, elapsed, "timeout" if over_cpu else f"error: worker exit {proc.exitcode}")
