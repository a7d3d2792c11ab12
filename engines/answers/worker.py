"""A pool of killable worker processes that run one function call each under a wall-clock limit.

Sympy and math-verify can hang or exhaust memory on hostile input, and math-verify's own
timeouts use signals that only work in the main thread. So heavy symbolic work runs here: each
call borrows one worker process, waits at most `timeout` seconds on a pipe, and on timeout
kills that process (SIGKILL); the pool starts a fresh one on demand. Callers in threads use
`run`; async callers use `arun`. Workers get an address-space limit (resource.setrlimit).

Workers are plain `python -c` subprocesses that import only this package, never the caller's
main module (multiprocessing's spawn and forkserver re-import it, which breaks scripts without
an `if __name__ == "__main__":` guard), and they are started lazily, on the first call.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from lemmata.engines.answers.errors import WorkerCrashed, WorkerTimeout

DEFAULT_TIMEOUT_SECONDS = 10.0
"""Wall-clock limit per call."""
DEFAULT_MEMORY_LIMIT_BYTES = 2 * 1024**3
"""Address-space limit of each worker process."""
WORKER_START_SECONDS = 120.0
"""Limit on starting a worker (interpreter, sympy and math-verify imports); not counted in a call's limit."""
DEFAULT_MAX_WORKERS = 2
"""Processes kept alive (the build machines have two cores)."""
PRELOADED_MODULES = ("lemmata.engines.answers.equivalence", "lemmata.engines.answers.computations")
"""Imported by each worker before its first call, so calls do not pay for sympy's import."""
_BOOT = "import sys; from lemmata.engines.answers.worker import serve; serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))"


def serve(read_fd: int, write_fd: int, memory_limit_bytes: int) -> None:
    """Worker main loop: receive (function, args, kwargs), send ("ok", value) or ("error", exception)."""
    if memory_limit_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
    import importlib

    for module in PRELOADED_MODULES:
        importlib.import_module(module)
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    outbox.send(("ready", None))
    while True:
        try:
            function, args, kwargs = inbox.recv()
        except (EOFError, OSError):
            return
        try:
            outcome = ("ok", function(*args, **kwargs))
        except MemoryError:
            outcome = ("error", WorkerCrashed("worker ran out of memory (limit reached); input too large"))
        except BaseException as error:  # the parent decides what a failure means
            outcome = ("error", error)
        try:
            outbox.send(outcome)
        except Exception as error:  # unpicklable result or exception
            outbox.send(("error", WorkerCrashed(f"worker result could not be sent back: {error!r}")))


class _Worker:
    def __init__(self, memory_limit_bytes: int | None) -> None:
        child_read, parent_write = os.pipe()
        parent_read, child_write = os.pipe()
        # The child sees the caller's import path, so it loads the same copy of this package.
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(child_read), str(child_write), str(memory_limit_bytes or 0)],
            pass_fds=(child_read, child_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=env, close_fds=True,
        )
        os.close(child_read)
        os.close(child_write)
        self.inbox = Connection(parent_read, writable=False)
        self.outbox = Connection(parent_write, readable=False)

    def wait_ready(self) -> None:
        """Block until the worker has imported its modules; raise WorkerCrashed if it cannot start."""
        try:
            if self.inbox.poll(WORKER_START_SECONDS) and self.inbox.recv()[0] == "ready":
                return
        except (EOFError, OSError):
            pass
        self.kill()
        raise WorkerCrashed(f"a worker process did not start within {WORKER_START_SECONDS:g} s")

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.is_alive():
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.inbox.close()
        self.outbox.close()


class WorkerPool:
    """Killable process pool; safe to call from many threads and from async code."""

    def __init__(self, max_workers: int = DEFAULT_MAX_WORKERS, memory_limit_bytes: int | None = DEFAULT_MEMORY_LIMIT_BYTES) -> None:
        self._memory_limit_bytes = memory_limit_bytes
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_workers)

    def run(self, function: Callable[..., Any], *args: Any, timeout: float = DEFAULT_TIMEOUT_SECONDS, **kwargs: Any) -> Any:
        """Call `function(*args, **kwargs)` in a worker; raise WorkerTimeout / WorkerCrashed or the call's own error."""
        name = getattr(function, "__name__", function)
        with self._slots:
            worker = self._borrow()
            try:
                worker.outbox.send((function, args, kwargs))
                if not worker.inbox.poll(timeout):
                    worker.kill()
                    raise WorkerTimeout(f"{name} took longer than {timeout:g} s; worker killed")
                status, value = worker.inbox.recv()
            except (EOFError, OSError) as error:
                worker.kill()
                raise WorkerCrashed(f"worker died during {name}: {error!r}") from None
            self._give_back(worker)
        if status == "error":
            raise value
        return value

    async def arun(self, function: Callable[..., Any], *args: Any, timeout: float = DEFAULT_TIMEOUT_SECONDS, **kwargs: Any) -> Any:
        """Async form of `run`: waits in a thread so the event loop keeps running."""
        return await asyncio.to_thread(self.run, function, *args, timeout=timeout, **kwargs)

    def close(self) -> None:
        """Kill all idle workers; later calls start fresh workers on demand."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def _borrow(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.is_alive():
                    return worker
                worker.kill()
        worker = _Worker(self._memory_limit_bytes)
        worker.wait_ready()
        return worker

    def _give_back(self, worker: _Worker) -> None:
        if not worker.is_alive():
            worker.kill()
            return
        with self._lock:
            self._idle.append(worker)


_default_pool: WorkerPool | None = None
_default_pool_pid = os.getpid()
_default_pool_lock = threading.Lock()


def default_pool() -> WorkerPool:
    """The process-wide pool used by `grade` and the computation tool (no process starts until a call needs one)."""
    global _default_pool, _default_pool_pid
    with _default_pool_lock:
        if _default_pool is None or _default_pool_pid != os.getpid():
            _default_pool, _default_pool_pid = WorkerPool(), os.getpid()
            atexit.register(_default_pool.close)
        return _default_pool
