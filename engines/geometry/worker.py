"""A `GeometrySession` in its own process, with a CPU-time limit per call and a memory cap, for
statements that come from a model: a runaway saturation is stopped, never waited for. The
limit is CPU time (a busy machine does not change the outcome); a far longer wall-clock
limit only catches a worker that hangs without computing."""

from __future__ import annotations

import multiprocessing
import resource
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from lemmata.engines.geometry.clock import BudgetSpent, cpu_alarm
from lemmata.engines.geometry.errors import GeometryError
from lemmata.engines.geometry.session import GeometrySession, Status

MEMORY_LIMIT_BYTES = 4 * 1024**3
CALL_MARGIN_S = 10.0
"""CPU seconds a call may take beyond the session's own saturation timeout before it is stopped."""
WALL_FACTOR = 40.0
"""The parent waits this many times a call's CPU limit in wall seconds before killing the
worker (a niced worker on a loaded machine was measured at 9% of a core)."""
OVER_BUDGET = "over budget"
START_TIMEOUT_S = 120.0
OUTPUT_TIMEOUT_S = 120.0
"""Limit for writing out a proof or a figure, which is not saturation and needs no tight bound."""


class GeometryWorkerError(GeometryError):
    """The worker process died, or a call outlived its limit and the worker was killed."""


def _serve(connection: Connection, seed: int, timeout: float, memory_limit: int | None,
           margin: float = CALL_MARGIN_S) -> None:
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    session = GeometrySession(seed=seed, timeout=timeout)
    connection.send(("ready", None))
    while True:
        try:
            method, args = connection.recv()
        except EOFError:
            return
        try:
            limit = OUTPUT_TIMEOUT_S if method in ("proof_text", "figure") else timeout + margin
            with cpu_alarm(limit):
                result = getattr(session, method)(*args)
            connection.send(("ok", result))
        except BudgetSpent:
            # The session may be half-updated: report and end, as a kill would.
            connection.send((OVER_BUDGET, limit))
            return
        except MemoryError:
            connection.send(("error", "the engine ran out of memory"))
        except Exception as error:  # noqa: BLE001 - sent back to the caller as its message
            connection.send(("error", f"{type(error).__name__}: {error}"))


class SessionWorker:
    """The same calls as `GeometrySession` (build, add, propose, proof_text, figure), run remotely."""

    def __init__(self, seed: int = 0, timeout: float = 30.0, memory_limit: int | None = MEMORY_LIMIT_BYTES):
        self.timeout = timeout
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve,
                                        args=(child, seed, timeout, memory_limit, CALL_MARGIN_S),
                                        daemon=True)
        self._process.start()
        child.close()
        self._receive(START_TIMEOUT_S, "start")
        self.built = False
        self.aux_points: list[str] = []

    def build(self, problem_text: str, name: str = "problem") -> Status:
        status = self._call("build", problem_text, name)
        self.built = status.ok
        return status

    def add(self, clause_text: str) -> Status:
        status = self._call("add", clause_text)
        if status.ok:
            self.aux_points.extend(clause_text.split("=")[0].split())
        return status

    def propose(self, predicate_text: str) -> Status:
        return self._call("propose", predicate_text)

    def proof_text(self) -> str:
        return self._call("proof_text", limit=OUTPUT_TIMEOUT_S)

    def figure(self, path: str | Path) -> Path:
        return self._call("figure", str(path), limit=OUTPUT_TIMEOUT_S)

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        self._connection.close()

    def _call(self, method: str, *args: Any, limit: float | None = None) -> Any:
        if not self._process.is_alive():
            raise GeometryWorkerError("the geometry worker is not running")
        self._connection.send((method, args))
        return self._receive(WALL_FACTOR * (limit or self.timeout + CALL_MARGIN_S), method)

    def _receive(self, limit: float, what: str) -> Any:
        if not self._connection.poll(limit):
            self.close()
            raise GeometryWorkerError(f"the geometry engine did not finish `{what}` within {limit:g} wall "
                                      "seconds and was stopped")
        try:
            kind, value = self._connection.recv()
        except EOFError:
            self.close()
            raise GeometryWorkerError(f"the geometry worker died during `{what}` (out of memory?)") from None
        if kind == OVER_BUDGET:
            self.close()
            raise GeometryWorkerError(f"the geometry engine did not finish `{what}` within {value:g} CPU "
                                      "seconds and was stopped; start a new session")
        if kind == "error":
            raise GeometryWorkerError(value)
        return value

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass
