"""Runs one rule-based comparison under a wall-clock bound: in this process when it can, else in a worker.

Calls from the main thread run here, in the caller's process, under a SIGALRM deadline (the
interval timer must be free); one that overruns it raises WorkerTimeout like a killed worker.
Size limits upstream (answer length, nesting, exponents) keep the work interruptible. Callers in
other threads, where no alarm can reach them, use the killable worker pool, started lazily.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

from lemmata.engines.answers.errors import WorkerTimeout
from lemmata.engines.answers.worker import WorkerPool, default_pool



class _Deadline(BaseException):
    """Raised by the alarm; a BaseException so that library `except Exception` blocks let it through."""


def run_bounded(function: Callable[..., Any], *args: Any, timeout: float, pool: WorkerPool | None = None) -> Any:
    """`function(*args)` within `timeout` seconds; raises WorkerTimeout / WorkerCrashed from the worker path."""
    if pool is None and _alarm_available():
        try:
            return _with_alarm(function, args, timeout)
        except _Deadline:
            raise WorkerTimeout(f"{getattr(function, '__name__', function)} took longer than {timeout:g} s; stopped") from None
    return (pool or default_pool()).run(function, *args, timeout=timeout)


def _alarm_available() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )


ALARM_REPEAT_SECONDS = 0.25
"""After the deadline the alarm repeats at this interval until the call returns: library code
that catches every exception (a bare `except:`) would otherwise swallow the one alarm."""


def _with_alarm(function: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> Any:
    running = [True]

    def expire(signum: int, frame: object) -> None:
        if running[0]:
            raise _Deadline()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT_SECONDS)
    try:
        return function(*args)
    finally:
        try:
            running[0] = False  # an alarm from here on is ignored, so the cleanup below always runs
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
