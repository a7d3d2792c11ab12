"""Properties over generated input: the whitelist parser only parses or refuses; comparison is exact."""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from lemmata.engines.answers import EquivalenceStatus, equivalent, extract_final_answer
from lemmata.engines.answers.errors import ExpressionTooLarge, UnsafeExpression
from lemmata.engines.answers.plain_expression import parse_plain_expression

# No '!' or '*' here: factorials and powers of generated literals may take long (the worker
# bounds that in production); everything else a hostile string could use is in the alphabet.
JUNK = st.text(alphabet="abcdexyz_IO019+-/().,'\"[]{}:;=<> \\@#`lambdimportsq", max_size=40)


@settings(max_examples=150, deadline=None)
@given(JUNK)
def test_the_parser_returns_sympy_or_refuses(text: str) -> None:
    try:
        value = parse_plain_expression(text)
    except (UnsafeExpression, ExpressionTooLarge):
        return
    assert isinstance(value, sympy.Basic)
    assert "__" not in text and "'" not in text and '"' not in text


@settings(max_examples=60, deadline=None)
@given(st.integers(-10**30, 10**30), st.integers(-10**30, 10**30))
def test_integers_are_equal_exactly_when_they_are_equal(first: int, second: int) -> None:
    status = equivalent(str(first), str(second)).status
    assert status == (EquivalenceStatus.EQUIVALENT if first == second else EquivalenceStatus.NOT_EQUIVALENT)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 10**12), st.integers(1, 10**12))
def test_tiny_fractions_are_compared_exactly(first: int, second: int) -> None:
    status = equivalent(f"\\frac{{1}}{{{first}}}", f"\\frac{{1}}{{{second}}}").status
    assert status == (EquivalenceStatus.EQUIVALENT if first == second else EquivalenceStatus.NOT_EQUIVALENT)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_extraction_never_fails(text: str) -> None:
    found = extract_final_answer(text)
    assert len(found.text) <= len(text)
