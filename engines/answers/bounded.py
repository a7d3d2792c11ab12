"""Runs one rule-based comparison under a wall-clock bound: in this process when it can, else in a worker.

The common case (short answers that parse in milliseconds) runs here, in the caller's process,
under a SIGALRM deadline of IN_PROCESS_SECONDS; that needs the main thread and a free
interval timer. A call that overruns it, or a caller in another thread, goes to the killable
worker pool with the full limit (heavy symbolic work is the only thing that takes that long).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

from engines.answers.worker import WorkerPool, default_pool

IN_PROCESS_SECONDS = 3.0
"""Deadline of the in-process attempt before the call is handed to a worker."""


class _Deadline(BaseException):
    """Raised by the alarm; a BaseException so that library `except Exception` blocks let it through."""


def run_bounded(function: Callable[..., Any], *args: Any, timeout: float, pool: WorkerPool | None = None) -> Any:
    """`function(*args)` within `timeout` seconds; raises WorkerTimeout / WorkerCrashed from the worker path."""
    if pool is None and _alarm_available():
        try:
            return _with_alarm(function, args, min(timeout, IN_PROCESS_SECONDS))
        except _Deadline:
            pass  # heavy work: hand it to a killable worker with the whole limit
    return (pool or default_pool()).run(function, *args, timeout=timeout)


def _alarm_available() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )


def _with_alarm(function: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> Any:
    def expire(signum: int, frame: object) -> None:
        raise _Deadline()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
