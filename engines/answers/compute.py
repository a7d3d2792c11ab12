"""The verifiers' computation tool: evaluate, simplify, factor, solve, check an identity at random points.

Input is plain-text mathematics parsed by the whitelist parser (never `eval`, never raw
`sympify`); the sympy work (`computations`, imported only when a tool runs) goes to a killable worker with
time and memory limits. Every call returns a serialisable `ToolCall` record, stored with the
verdict it supported.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from enum import StrEnum

from lemmata.engines.answers.errors import ExpressionTooLarge, UnsafeExpression, WorkerCrashed, WorkerTimeout
from lemmata.engines.answers.worker import WorkerPool, default_pool

COMPUTE_TIMEOUT_SECONDS = 5.0
"""Wall-clock limit of one tool call."""


class ToolName(StrEnum):
    """Computations a verifier may ask for."""

    EVALUATE = "evaluate"
    SIMPLIFY = "simplify"
    FACTOR = "factor"
    SOLVE = "solve"
    CHECK_IDENTITY = "check_identity"


class ToolStatus(StrEnum):
    """How a tool call ended."""

    OK = "ok"
    REFUSED = "refused"
    """The input is not a plain mathematical expression, or exceeds a size limit."""
    TIMEOUT = "timeout"
    ERROR = "error"
    """Sympy could not do it (e.g. no closed-form solution)."""


@dataclass(frozen=True)
class ToolCall:
    """One computation requested by a verifier, as recorded with its verdict."""

    name: str
    """Which computation (a ToolName value)."""
    input: str
    """The text the verifier sent."""
    output: str
    """The result, or the reason for refusal / failure."""
    status: ToolStatus
    seconds: float
    """Wall-clock time, including the worker round trip."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for storage."""
        record = asdict(self)
        record["status"] = self.status.value
        return record


TOOL_DESCRIPTIONS = {
    ToolName.EVALUATE: "numeric value to 30 digits (and exact form) of an expression, e.g. 'sqrt(2)*pi'",
    ToolName.SIMPLIFY: "simplified form of an expression, e.g. 'sin(x)^2 + cos(x)^2'",
    ToolName.FACTOR: "factored form of a polynomial or integer, e.g. 'x^3 - x' or '360'",
    ToolName.SOLVE: "solutions of equations separated by ';', optionally 'for x, y', e.g. 'x^2 = 2 for x'",
    ToolName.CHECK_IDENTITY: "whether 'lhs = rhs' holds at random points, e.g. '(a+b)^2 = a^2 + 2ab + b^2'",
}


def run_tool(name: str, text: str, *, timeout: float = COMPUTE_TIMEOUT_SECONDS, pool: WorkerPool | None = None) -> ToolCall:
    """Run one computation in a worker and return its record (never raises for bad input)."""
    started = time.perf_counter()
    try:
        tool = ToolName(name)
    except ValueError:
        known = ", ".join(tool.value for tool in ToolName)
        return ToolCall(name, text, f"unknown tool {name!r}; use one of: {known}", ToolStatus.REFUSED, 0.0)
    # Imported here: sympy costs a second of start-up that most runs never need.
    from lemmata.engines.answers.computations import MAX_OUTPUT_CHARS, compute

    try:
        output, status = (pool or default_pool()).run(compute, tool.value, text, timeout=timeout), ToolStatus.OK
    except (UnsafeExpression, ExpressionTooLarge) as error:
        output, status = str(error), ToolStatus.REFUSED
    except WorkerTimeout:
        output, status = f"{tool.value} took longer than {timeout:g} s and was stopped", ToolStatus.TIMEOUT
    except WorkerCrashed as error:
        output, status = str(error), ToolStatus.ERROR
    except Exception as error:  # sympy's own failures are results for the verifier, not crashes
        output, status = f"{type(error).__name__}: {error}"[:MAX_OUTPUT_CHARS], ToolStatus.ERROR
    return ToolCall(tool.value, text, output, status, round(time.perf_counter() - started, 4))


async def arun_tool(name: str, text: str, *, timeout: float = COMPUTE_TIMEOUT_SECONDS, pool: WorkerPool | None = None) -> ToolCall:
    """Async `run_tool`."""
    import asyncio

    return await asyncio.to_thread(run_tool, name, text, timeout=timeout, pool=pool)
