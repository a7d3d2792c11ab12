"""Exact and high-precision numeric comparison of closed-form values.

math-verify compares numbers after rounding to a fixed number of decimal places, so tiny
values (`1/2004!` vs `1/2006!`) pass, and it can miss equal closed forms. Here rationals are
compared exactly, decimals with a relative tolerance, and other constants at a precision
of their difference itself (so `10^{100}` and `10^{100}+\\sqrt 2` stay apart).
"""

from __future__ import annotations

import random
from enum import StrEnum

import sympy
from sympy.core.evalf import PrecisionExhausted

DECIMAL_RELATIVE_TOLERANCE = 2e-6
"""A decimal answer matches a value when their relative difference is at most this
(six significant digits, rounded: 0.333333 matches 1/3; 0.0000003 does not match 1/3000000)."""
MAX_EVALUATION_DIGITS = 1_000
"""Working precision to which the difference of two closed forms must vanish to count as zero."""
MAX_EXPONENT = 100_000
"""Powers with a larger exponent (and factorials of a larger argument) are too large to evaluate."""
RANDOM_POINTS = 5
"""Random points at which expressions with free symbols are compared."""
RANDOM_POINT_DIGITS = 30


class NumericResult(StrEnum):
    """Outcome of a numeric comparison."""

    EQUAL = "equal"
    DIFFERENT = "different"
    UNKNOWN = "unknown"


def is_numeric_constant(value: sympy.Basic) -> bool:
    """True for a finite scalar without free symbols (not a set, relation, matrix or tuple)."""
    return isinstance(value, sympy.Expr) and not value.free_symbols and not value.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan)


def is_too_large(value: sympy.Basic) -> bool:
    """True when evaluating `value` exactly would build astronomically large numbers (`10^{10^{10}}`)."""
    for node in sympy.preorder_traversal(value):
        if isinstance(node, sympy.Pow) and node.base not in (0, 1, -1) and _exceeds(node.exp):
            return True
        if isinstance(node, (sympy.factorial, sympy.factorial2, sympy.gamma)) and _exceeds(node.args[0]):
            return True
    return False


def _exceeds(exponent: sympy.Basic) -> bool:
    if exponent.free_symbols:
        return False
    try:
        magnitude = abs(sympy.N(exponent, 5))
    except (TypeError, ValueError, ArithmeticError):
        return True
    return bool(magnitude.is_number and magnitude > MAX_EXPONENT)


def compare_constants(answer: sympy.Expr, gold: sympy.Expr) -> tuple[NumericResult, str]:
    """Compare two symbol-free values; return the result and how it was reached."""
    answer, gold = _evaluated(answer), _evaluated(gold)
    if isinstance(answer, sympy.Rational) and isinstance(gold, sympy.Rational):
        if answer == gold:
            return NumericResult.EQUAL, "equal as exact rationals"
        return NumericResult.DIFFERENT, "different as exact rationals"
    if answer.has(sympy.Float) or gold.has(sympy.Float):
        return _compare_decimal(answer, gold)
    return _compare_closed_forms(answer, gold)


def compare_at_random_points(answer: sympy.Expr, gold: sympy.Expr, seed: int = 0) -> NumericResult:
    """Compare two expressions with free symbols at random rational points."""
    symbols = sorted(answer.free_symbols | gold.free_symbols, key=lambda symbol: symbol.name)
    rng = random.Random(seed)
    compared = 0
    for _ in range(RANDOM_POINTS * 2):
        point = {symbol: sympy.Rational(rng.randint(-97, 97), rng.randint(1, 13)) for symbol in symbols}
        try:
            left = sympy.N(answer.subs(point), RANDOM_POINT_DIGITS)
            right = sympy.N(gold.subs(point), RANDOM_POINT_DIGITS)
        except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
            continue
        if not (left.is_number and right.is_number) or left.has(sympy.zoo, sympy.nan) or right.has(sympy.zoo, sympy.nan):
            continue
        scale = max(abs(left), abs(right), sympy.Integer(1))
        if abs(left - right) > scale * sympy.Float(10) ** (10 - RANDOM_POINT_DIGITS):
            return NumericResult.DIFFERENT
        compared += 1
        if compared >= RANDOM_POINTS:
            return NumericResult.EQUAL
    return NumericResult.UNKNOWN


def _evaluated(value: sympy.Expr) -> sympy.Expr:
    try:
        return value.doit()
    except Exception:  # sympy raises many kinds; an unevaluated value is still comparable
        return value


def _compare_decimal(answer: sympy.Expr, gold: sympy.Expr) -> tuple[NumericResult, str]:
    left, right = sympy.N(answer, 30), sympy.N(gold, 30)
    if not (left.is_number and right.is_number):
        return NumericResult.UNKNOWN, "decimal comparison: not numbers"
    scale = max(abs(left), abs(right))
    if scale == 0:
        return NumericResult.EQUAL, "both zero"
    if abs(left - right) <= scale * DECIMAL_RELATIVE_TOLERANCE:
        return NumericResult.EQUAL, f"decimal within relative {DECIMAL_RELATIVE_TOLERANCE:g}"
    return NumericResult.DIFFERENT, f"decimal off by more than relative {DECIMAL_RELATIVE_TOLERANCE:g}"


def _compare_closed_forms(answer: sympy.Expr, gold: sympy.Expr) -> tuple[NumericResult, str]:
    """Evaluate the difference itself: sympy raises the working precision until it either finds
    significant digits (different) or exhausts MAX_EVALUATION_DIGITS (equal to that precision)."""
    try:
        difference = (answer - gold).evalf(30, strict=True, maxn=MAX_EVALUATION_DIGITS)
    except PrecisionExhausted:
        return NumericResult.EQUAL, f"difference vanishes to {MAX_EVALUATION_DIGITS} digits"
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return NumericResult.UNKNOWN, "closed forms did not evaluate"
    if difference == 0:
        return NumericResult.EQUAL, "difference is exactly zero"
    if not difference.is_number or difference.has(sympy.zoo, sympy.nan):
        return NumericResult.UNKNOWN, "closed forms did not evaluate"
    return NumericResult.DIFFERENT, f"values differ by {sympy.N(difference, 3)} (difference evaluated)"
