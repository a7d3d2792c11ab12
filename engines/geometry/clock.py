"""The engine's one clock: CPU seconds of this process, so that a busy machine (other
processes on the same cores) does not change what a time budget can prove."""

from __future__ import annotations

import time


def now() -> float:
    """CPU seconds used by this process (user + system), as `RLIMIT_CPU` counts them."""
    return time.process_time()
