"""The verifiers' computation tool: evaluate, simplify, factor, solve, check an identity at random points.

Input is plain-text mathematics parsed by the whitelist parser (never `eval`, never raw
`sympify`); the sympy work runs in a killable worker with time and memory limits. Every
call returns a serialisable `ToolCall` record, stored with the verdict it supported.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import asdict, dataclass
from enum import StrEnum

import sympy

from lemmata.engines.answers.errors import ExpressionTooLarge, UnsafeExpression, WorkerCrashed, WorkerTimeout
from lemmata.engines.answers.plain_expression import parse_plain_expression
from lemmata.engines.answers.worker import WorkerPool, default_pool

COMPUTE_TIMEOUT_SECONDS = 5.0
"""Wall-clock limit of one tool call."""
MAX_OUTPUT_CHARS = 4_000
"""Longer results are cut (with a note)."""
IDENTITY_POINTS = 8
"""Random points at which `check_identity` compares both sides."""
IDENTITY_DIGITS = 30
EVALUATE_DIGITS = 30


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
    try:
        output, status = (pool or default_pool()).run(compute, tool, text, timeout=timeout), ToolStatus.OK
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


def compute(tool: ToolName, text: str) -> str:
    """Do the computation in this process (the worker calls this); return the result as text."""
    match tool:
        case ToolName.EVALUATE:
            value = _expression(text)
            return _cut(f"{value} ≈ {sympy.N(value, EVALUATE_DIGITS)}")
        case ToolName.SIMPLIFY:
            return _cut(str(sympy.simplify(_expression(text))))
        case ToolName.FACTOR:
            value = _expression(text)
            if value.is_Integer:
                return _cut(" * ".join(f"{p}^{e}" if e > 1 else str(p) for p, e in sympy.factorint(value).items()) or str(value))
            return _cut(str(sympy.factor(value)))
        case ToolName.SOLVE:
            return _cut(_solve(text))
        case ToolName.CHECK_IDENTITY:
            return _check_identity(text)
    raise UnsafeExpression(f"unknown tool {tool!r}")


def _expression(text: str) -> sympy.Expr:
    value = parse_plain_expression(text)
    if not isinstance(value, sympy.Expr):
        raise UnsafeExpression(f"{text[:60]!r} is not a single expression (no '=' here)")
    return value


def _solve(text: str) -> str:
    parts = re.split(r"\s+for\s+", text, maxsplit=1)
    body, wanted = parts[0], (parts[1] if len(parts) > 1 else None)
    equations = [parse_plain_expression(piece) for piece in body.split(";") if piece.strip()]
    if wanted:
        symbols = [parse_plain_expression(name.strip()) for name in wanted.split(",") if name.strip()]
        if not all(isinstance(symbol, sympy.Symbol) for symbol in symbols):
            raise UnsafeExpression(f"'for {wanted}' must name variables, e.g. 'for x, y'")
    else:
        symbols = sorted(set().union(*(equation.free_symbols for equation in equations)), key=lambda s: s.name)
    solutions = sympy.solve(equations, symbols, dict=True)
    return str(solutions) if solutions else "no solutions found"


def _check_identity(text: str) -> str:
    relation = parse_plain_expression(text)
    if not isinstance(relation, sympy.Equality):
        raise UnsafeExpression("check_identity needs 'lhs = rhs'")
    difference = relation.lhs - relation.rhs
    symbols = sorted(difference.free_symbols, key=lambda symbol: symbol.name)
    rng = random.Random(0)
    checked = 0
    for _ in range(IDENTITY_POINTS * 3):
        point = {symbol: sympy.Rational(rng.randint(-50, 50), rng.randint(1, 9)) for symbol in symbols}
        try:
            left, right = sympy.N(relation.lhs.subs(point), IDENTITY_DIGITS), sympy.N(relation.rhs.subs(point), IDENTITY_DIGITS)
        except (ZeroDivisionError, ArithmeticError, TypeError, ValueError):
            continue
        if not (left.is_number and right.is_number) or left.has(sympy.zoo, sympy.nan) or right.has(sympy.zoo, sympy.nan):
            continue
        if abs(left - right) > max(abs(left), abs(right), 1) * sympy.Float(10) ** (5 - IDENTITY_DIGITS):
            where = ", ".join(f"{symbol}={value}" for symbol, value in point.items())
            return f"fails at {where or 'the constants'}: lhs ≈ {sympy.N(left, 12)}, rhs ≈ {sympy.N(right, 12)}"
        checked += 1
        if checked >= IDENTITY_POINTS or not symbols:
            break
    if checked == 0:
        return "undecided: no point where both sides evaluate"
    return f"holds at {checked} random point(s)" if symbols else "holds (no variables; both sides equal)"


def _cut(text: str) -> str:
    return text if len(text) <= MAX_OUTPUT_CHARS else text[:MAX_OUTPUT_CHARS] + f" … ({len(text)} characters, cut)"
