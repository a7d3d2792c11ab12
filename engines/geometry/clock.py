"""The engine's one clock: CPU seconds of this process, so that a busy machine (other
processes on the same cores) does not change what a time budget can prove; and a CPU-time
alarm on that same clock that ends a step which does not look at it.

Why the alarm reads this clock itself rather than ITIMER_PROF or RLIMIT_CPU: the kernel's
limits count CPU time by sampling at timer ticks, which on a loaded machine runs ahead of the
precise count `now()` reads (measured at load 7 on 2 cores: ITIMER_PROF set at 61 s fired at
56–57 s of `now()`, and a RLIMIT_CPU of 70 s was reached at 52 s). A RLIMIT_CPU kill meant as a
backstop at budget + 10 s could therefore end a search still inside its budget, and its result
was lost."""

from __future__ import annotations

import _thread
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

POLL_S = 0.05
"""Wall seconds between the alarm's looks at the clock (sleeping, so it costs no CPU)."""


class BudgetSpent(BaseException):
    """The process used up its CPU budget in the middle of a step. A BaseException, like
    KeyboardInterrupt, so that no `except Exception` inside the engine swallows it."""


def now() -> float:
    """CPU seconds used by this process (user + system, all threads), counted precisely."""
    return time.process_time()


@contextmanager
def cpu_alarm(seconds: float) -> Iterator[None]:
    """Raise `BudgetSpent` in the main thread once `now()` has advanced `seconds` past the
    start of the block. The engine checks its deadlines between steps; this ends a long step
    (a checker run, a large algebra update) that would run on past the budget. The kernel's
    SIGXCPU (RLIMIT_CPU's soft limit) raises it too. Outside the main thread, where Python
    cannot handle signals, it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    deadline = now() + seconds
    stop = threading.Event()

    def ring(signum: int, frame: object) -> None:
        raise BudgetSpent(f"CPU budget of {seconds:g} s spent")

    def watch() -> None:
        while not stop.wait(POLL_S):
            if now() >= deadline:
                _thread.interrupt_main(signal.SIGXCPU)
                return

    previous = signal.signal(signal.SIGXCPU, ring)
    watcher = threading.Thread(target=watch, name="cpu-alarm", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        signal.signal(signal.SIGXCPU, previous)
