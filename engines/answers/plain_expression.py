"""Parses plain-text mathematics (`pi/2`, `exp(16)`, `x^2 - 1 = 0`) into sympy through a whitelist.

Untrusted text is first tokenised with Python's tokenizer; only numbers, operators from a
fixed set and names that are either whitelisted functions/constants or short variable names
may pass. Attribute access, strings, keywords (lambda, import), subscripts and dunder names
are refused before sympy ever sees the text. Size limits bound length, nesting, integer
literal digits and literal exponents. Only then does sympy's `parse_expr` run, with a fixed
transformation set and a namespace holding nothing but the whitelist.
"""

from __future__ import annotations

import builtins
import io
import keyword
import re
import tokenize

import sympy
from sympy.parsing.sympy_parser import (
    auto_number,
    auto_symbol,
    convert_xor,
    factorial_notation,
    implicit_multiplication,
    parse_expr,
    split_symbols_custom,
)

from lemmata.engines.answers.errors import ExpressionTooLarge, UnsafeExpression

MAX_EXPRESSION_CHARS = 2_000
"""Longest accepted input."""
MAX_NESTING_DEPTH = 40
"""Deepest accepted bracket nesting."""
MAX_INTEGER_DIGITS = 400
"""Longest accepted integer literal."""
MAX_LITERAL_EXPONENT = 10_000
"""Largest accepted literal exponent after `^` / `**` (and no power towers of literals)."""
MAX_FACTORIAL_ARGUMENT = 5_000
"""Largest accepted literal before `!`."""

FUNCTIONS: dict[str, object] = {
    "sqrt": sympy.sqrt, "cbrt": sympy.cbrt, "root": sympy.root, "exp": sympy.exp,
    "log": sympy.log, "ln": sympy.log, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "cot": sympy.cot, "sec": sympy.sec, "csc": sympy.csc,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "arcsin": sympy.asin,
    "arccos": sympy.acos, "arctan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh,
    "tanh": sympy.tanh, "abs": sympy.Abs, "Abs": sympy.Abs, "floor": sympy.floor,
    "ceil": sympy.ceiling, "ceiling": sympy.ceiling, "factorial": sympy.factorial,
    "binomial": sympy.binomial, "gcd": sympy.gcd, "lcm": sympy.lcm, "Rational": sympy.Rational,
    "Eq": sympy.Eq,
}
CONSTANTS: dict[str, object] = {
    "pi": sympy.pi, "Pi": sympy.pi, "π": sympy.pi, "E": sympy.E, "I": sympy.I,
    "oo": sympy.oo, "inf": sympy.oo, "infinity": sympy.oo,
}
ANSWER_CONSTANTS: dict[str, object] = {"e": sympy.E, "i": sympy.I}
"""Extra constants when reading a final answer, where `e` means Euler's number."""

ALLOWED_OPERATORS = frozenset(
    {"+", "-", "*", "/", "**", "^", "(", ")", ",", "=", "!", "<", ">", "<=", ">=", "%"}
)
PYTHON_BUILTINS = frozenset(name for name in dir(builtins) if len(name) > 2)
"""`eval`, `open`, `getattr`…: refused by name, so their intent is reported plainly."""
VARIABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,7}$")
GREEK_LETTERS = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron rho sigma tau "
    "upsilon phi chi psi omega".split()
)


def _should_split(name: str) -> bool:
    """`2ab` means 2·a·b: split unknown multi-letter names, keep functions, constants and Greek letters."""
    return name.isalpha() and name not in FUNCTIONS and name not in CONSTANTS and name.lower() not in GREEK_LETTERS


TRANSFORMATIONS = (
    auto_symbol, auto_number, factorial_notation, convert_xor,
    split_symbols_custom(_should_split), implicit_multiplication,
)
# Sympy's parse_expr needs these in the global namespace to build the code it generates.
PARSER_GLOBALS: dict[str, object] = {
    "__builtins__": {},
    "Integer": sympy.Integer,
    "Float": sympy.Float,
    "Rational": sympy.Rational,
    "Symbol": sympy.Symbol,
    "factorial": sympy.factorial,
}


def parse_plain_expression(text: str, *, answer_mode: bool = False) -> sympy.Basic:
    """Parse whitelisted plain-text mathematics into sympy, or raise UnsafeExpression / ExpressionTooLarge.

    `answer_mode` reads `e` as Euler's number and `i` as the imaginary unit.
    """
    text = _normalise(text)
    _check_tokens(text)
    namespace: dict[str, object] = {**FUNCTIONS, **CONSTANTS}
    if answer_mode:
        namespace.update(ANSWER_CONSTANTS)
    if "=" in text and not re.search(r"[<>]=", text):
        left, _, right = text.partition("=")
        if "=" in right:
            raise UnsafeExpression(f"{text[:60]!r} has more than one '='; give a single equation")
        return sympy.Eq(_parse(left, namespace), _parse(right, namespace), evaluate=False)
    return _parse(text, namespace)


def _parse(text: str, namespace: dict[str, object]) -> sympy.Basic:
    try:
        value = parse_expr(
            text, local_dict=dict(namespace), global_dict=dict(PARSER_GLOBALS),
            transformations=TRANSFORMATIONS, evaluate=True,
        )
    except Exception as error:  # any failure on untrusted text means "not an expression we accept"
        raise UnsafeExpression(f"could not parse {text[:60]!r} as an expression: {error}") from None
    if isinstance(value, tuple):  # "1, 2" or "(1, 2)": Python builds a tuple
        return sympy.Tuple(*value)
    if not isinstance(value, sympy.Basic):
        raise UnsafeExpression(f"{text[:60]!r} is not a mathematical expression")
    return value


def _normalise(text: str) -> str:
    text = text.strip().replace("×", "*").replace("·", "*").replace("÷", "/").replace("−", "-")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionTooLarge(
            f"expression of {len(text)} characters exceeds {MAX_EXPRESSION_CHARS}; send a shorter one"
        )
    if not text:
        raise UnsafeExpression("empty expression; send a mathematical expression")
    return text


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    try:
        return [
            token for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError) as error:
        raise UnsafeExpression(f"could not tokenise {text[:60]!r}: {error}") from None


def _check_tokens(text: str) -> set[str]:
    """Refuse anything outside the whitelist; return the variable names used."""
    tokens = _tokens(text)
    names: set[str] = set()
    depth = 0
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        if token.type == tokenize.NUMBER:
            _check_number(token.string, previous, tokens[index + 1] if index + 1 < len(tokens) else None)
        elif token.type == tokenize.NAME:
            _check_name(token.string, previous)
            names.add(token.string)
        elif token.type == tokenize.OP and token.string in ALLOWED_OPERATORS:
            depth += token.string == "("
            depth -= token.string == ")"
            if depth > MAX_NESTING_DEPTH:
                raise ExpressionTooLarge(f"nesting deeper than {MAX_NESTING_DEPTH}; simplify the input")
            if token.string in ("**", "^"):
                _check_tower(tokens, index)
        elif token.type == tokenize.ERRORTOKEN and token.string.isspace():
            continue
        elif token.type == tokenize.ERRORTOKEN and token.string == "!":
            continue
        elif token.type == tokenize.ERRORTOKEN and token.string == "π":
            names.add("π")
        else:
            raise UnsafeExpression(
                f"{token.string!r} is not allowed in a mathematical expression "
                "(only numbers, + - * / ^ ( ) , = ! and known function names)"
            )
    return names


def _check_name(name: str, previous: tokenize.TokenInfo | None) -> None:
    if keyword.iskeyword(name) or name.startswith("_"):
        raise UnsafeExpression(f"{name!r} is a reserved word, not a mathematical name")
    if name in PYTHON_BUILTINS and name not in FUNCTIONS:
        raise UnsafeExpression(f"{name!r} is a Python built-in, not a mathematical name")
    if previous is not None and previous.string == ".":
        raise UnsafeExpression(f"attribute access '.{name}' is not allowed")
    if name not in FUNCTIONS and name not in CONSTANTS and not VARIABLE_NAME.match(name):
        raise UnsafeExpression(f"{name!r} is not a known function or a short variable name")


def _check_number(literal: str, previous: tokenize.TokenInfo | None, following: tokenize.TokenInfo | None) -> None:
    digits = len(re.sub(r"\D", "", literal))
    if digits > MAX_INTEGER_DIGITS:
        raise ExpressionTooLarge(f"a number with {digits} digits exceeds {MAX_INTEGER_DIGITS}")
    if re.search(r"[jJ]|^0[xXoObB]", literal):
        raise UnsafeExpression(f"{literal!r} is not a plain decimal number")
    value = float(literal.replace("_", "")) if not re.search(r"[eE]", literal) else None
    if previous is not None and previous.string in ("**", "^") and (value is None or value > MAX_LITERAL_EXPONENT):
        raise ExpressionTooLarge(f"exponent {literal} exceeds {MAX_LITERAL_EXPONENT}")
    if following is not None and following.string == "!" and (value is None or value > MAX_FACTORIAL_ARGUMENT):
        raise ExpressionTooLarge(f"factorial of {literal} exceeds {MAX_FACTORIAL_ARGUMENT}!")
    if value is None and "e" in literal.lower():
        exponent = int(re.split(r"[eE]", literal)[1] or 0)
        if abs(exponent) > MAX_LITERAL_EXPONENT:
            raise ExpressionTooLarge(f"{literal} has an exponent beyond {MAX_LITERAL_EXPONENT}")


def _check_tower(tokens: list[tokenize.TokenInfo], index: int) -> None:
    """Refuse `a^b^c` towers: right-associative powers grow beyond any limit."""
    for later in tokens[index + 1 : index + 4]:
        if later.string in ("**", "^"):
            raise ExpressionTooLarge("power towers (a^b^c) are not accepted; compute in steps")
        if later.string in ("+", "-", ",", "=", ")") and later is not tokens[index + 1]:
            return
