"""The engine's one clock: CPU seconds of this process, so that a busy machine (other
processes on the same cores) does not change what a time budget can prove; and a CPU-time
alarm that ends a step which does not look at the clock once the budget is spent."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class BudgetSpent(BaseException):
    """The process used up its CPU budget in the middle of a step. A BaseException, like
    KeyboardInterrupt, so that no `except Exception` inside the engine swallows it."""


def now() -> float:
    """CPU seconds used by this process (user + system), as `RLIMIT_CPU` counts them."""
    return time.process_time()


@contextmanager
def cpu_alarm(seconds: float) -> Iterator[None]:
    """Raise `BudgetSpent` in this thread once the process has used `seconds` more CPU
    seconds (ITIMER_PROF counts what `now()` counts). The engine checks its deadlines between
    steps; this ends a long step (a checker run, a large algebra update) that would otherwise
    run on until the kernel's RLIMIT_CPU kills the process and its result is lost. Outside
    the main thread, where signals cannot be handled, it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise BudgetSpent(f"CPU budget of {seconds:g} s spent")

    previous = signal.signal(signal.SIGPROF, ring)
    signal.setitimer(signal.ITIMER_PROF, max(seconds, 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
