"""The killable worker pool: results, errors, timeouts that kill, memory limits."""

from __future__ import annotations

import os
import time

import pytest

from lemmata.engines.answers.errors import WorkerCrashed, WorkerTimeout
from lemmata.engines.answers.worker import WorkerPool


def _pid() -> int:
    return os.getpid()


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _fail() -> None:
    raise ValueError("bad input")


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(max_workers=1, memory_limit_bytes=1024**3)
    yield pool
    pool.close()


def test_a_call_runs_in_another_process(pool: WorkerPool) -> None:
    assert pool.run(_pid) != os.getpid()


def test_the_calls_own_error_is_raised_in_the_caller(pool: WorkerPool) -> None:
    with pytest.raises(ValueError, match="bad input"):
        pool.run(_fail)


def test_a_timed_out_worker_is_killed_and_replaced(pool: WorkerPool) -> None:
    before = pool.run(_pid)
    with pytest.raises(WorkerTimeout, match="worker killed"):
        pool.run(_sleep, 3600, timeout=0.5)
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # the sleeping worker is gone (killed and reaped), not left running
    after = pool.run(_pid)
    assert after != before


def test_the_memory_limit_stops_a_runaway_allocation(pool: WorkerPool) -> None:
    with pytest.raises((WorkerCrashed, MemoryError)):
        pool.run(_allocate, 4096)
    assert pool.run(_allocate, 10) == 10 * 1024 * 1024
