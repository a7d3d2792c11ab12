"""A pool of killable worker processes that run one function call each under a wall-clock limit.

Sympy and math-verify can hang or exhaust memory on hostile input, and math-verify's own
timeouts use signals that only work in the main thread. So symbolic work runs here: each
call borrows one worker process, waits at most `timeout` seconds on a pipe, and on timeout
kills that process (SIGKILL) and lets the pool start a fresh one. Callers in threads use
`run`; async callers use `arun`. Workers get an address-space limit (resource.setrlimit).
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from typing import Any

from engines.answers.errors import WorkerCrashed, WorkerTimeout

DEFAULT_TIMEOUT_SECONDS = 10.0
"""Wall-clock limit per call."""
DEFAULT_MEMORY_LIMIT_BYTES = 2 * 1024**3
"""Address-space limit of each worker process."""
DEFAULT_MAX_WORKERS = 2
"""Processes kept alive (the build machines have two cores)."""
PRELOADED_MODULES = ["engines.answers.equivalence", "engines.answers.compute"]
"""Imported once by the forkserver so new workers start in milliseconds, not seconds."""


def _serve(connection: multiprocessing.connection.Connection, memory_limit_bytes: int | None) -> None:
    """Worker main loop: receive (function, args, kwargs), send ("ok", value) or ("error", exception)."""
    if memory_limit_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
    while True:
        try:
            function, args, kwargs = connection.recv()
        except (EOFError, OSError):
            return
        try:
            outcome = ("ok", function(*args, **kwargs))
        except MemoryError:
            outcome = ("error", WorkerCrashed("worker ran out of memory (limit reached); input too large"))
        except BaseException as error:  # the parent decides what a failure means
            outcome = ("error", error)
        try:
            connection.send(outcome)
        except Exception as error:  # unpicklable result or exception
            connection.send(("error", WorkerCrashed(f"worker result could not be sent back: {error!r}")))


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, memory_limit_bytes: int | None) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_limit_bytes), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    """Killable process pool; safe to call from many threads and from async code."""

    def __init__(
        self,
        max_workers: int = DEFAULT_MAX_WORKERS,
        memory_limit_bytes: int | None = DEFAULT_MEMORY_LIMIT_BYTES,
        start_method: str | None = None,
    ) -> None:
        method = start_method or ("forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
        self._context = multiprocessing.get_context(method)
        if method == "forkserver":
            self._context.set_forkserver_preload(PRELOADED_MODULES)
        self._memory_limit_bytes = memory_limit_bytes
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_workers)

    def run(self, function: Callable[..., Any], *args: Any, timeout: float = DEFAULT_TIMEOUT_SECONDS, **kwargs: Any) -> Any:
        """Call `function(*args, **kwargs)` in a worker; raise WorkerTimeout / WorkerCrashed or the call's own error."""
        with self._slots:
            worker = self._borrow()
            try:
                worker.connection.send((function, args, kwargs))
                if not worker.connection.poll(timeout):
                    worker.kill()
                    raise WorkerTimeout(f"{getattr(function, '__name__', function)} took longer than {timeout:g} s; worker killed")
                status, value = worker.connection.recv()
            except (EOFError, OSError, BrokenPipeError) as error:
                worker.kill()
                raise WorkerCrashed(f"worker died during {getattr(function, '__name__', function)}: {error!r}") from None
            self._give_back(worker)
        if status == "error":
            raise value
        return value

    async def arun(self, function: Callable[..., Any], *args: Any, timeout: float = DEFAULT_TIMEOUT_SECONDS, **kwargs: Any) -> Any:
        """Async form of `run`: waits in a thread so the event loop keeps running."""
        return await asyncio.to_thread(self.run, function, *args, timeout=timeout, **kwargs)

    def close(self) -> None:
        """Kill all idle workers; the pool refuses no further work but starts fresh workers on demand."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def _borrow(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
                worker.kill()
        return _Worker(self._context, self._memory_limit_bytes)

    def _give_back(self, worker: _Worker) -> None:
        if not worker.process.is_alive():
            worker.kill()
            return
        with self._lock:
            self._idle.append(worker)


_default_pool: WorkerPool | None = None
_default_pool_lock = threading.Lock()


def default_pool() -> WorkerPool:
    """The process-wide pool used by `grade` and the computation tool (created on first use)."""
    global _default_pool
    with _default_pool_lock:
        if _default_pool is None or _default_pool_pid != os.getpid():
            _set_default(WorkerPool())
        assert _default_pool is not None
        return _default_pool


_default_pool_pid = os.getpid()


def _set_default(pool: WorkerPool) -> None:
    global _default_pool, _default_pool_pid
    _default_pool, _default_pool_pid = pool, os.getpid()
    atexit.register(pool.close)
