"""The sympy side of the verifiers' computation tool, run inside a worker process.

Input is parsed by the whitelist parser (never `eval`, never raw `sympify`). `compute.run_tool`
is the way in; this module is what the worker executes.
"""

from __future__ import annotations

import random
import re

import sympy

from lemmata.engines.answers.errors import UnsafeExpression
from lemmata.engines.answers.plain_expression import parse_plain_expression

MAX_OUTPUT_CHARS = 4_000
"""Longer results are cut (with a note)."""
IDENTITY_POINTS = 8
"""Random points at which `check_identity` compares both sides."""
IDENTITY_DIGITS = 30
EVALUATE_DIGITS = 30


def compute(tool: str, text: str) -> str:
    """Do the computation in this process (the worker calls this); return the result as text."""
    match tool:
        case "evaluate":
            value = _expression(text)
            return _cut(f"{value} ≈ {sympy.N(value, EVALUATE_DIGITS)}")
        case "simplify":
            return _cut(str(sympy.simplify(_expression(text))))
        case "factor":
            value = _expression(text)
            if value.is_Integer:
                return _cut(" * ".join(f"{p}^{e}" if e > 1 else str(p) for p, e in sympy.factorint(value).items()) or str(value))
            return _cut(str(sympy.factor(value)))
        case "solve":
            return _cut(_solve(text))
        case "check_identity":
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
