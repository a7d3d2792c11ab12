"""Bad input gets a verdict with a reason, never an exception: empty gold, a megabyte of response,
unbalanced braces, an unclosed `\\boxed{`, NUL bytes. Time is bounded by the `timeout` argument."""

from __future__ import annotations

import pytest

from lemmata.engines.answers import DecidedBy, Verdict, grade

LIMIT = 2.0

BAD = {
    "empty_gold": ("", "\\boxed{3}"),
    "blank_gold": ("  $ $ ", "\\boxed{3}"),
    "megabyte_response": ("7", "x" * 1_000_000),
    "megabyte_of_braces": ("7", "{" * 500_000 + "}" * 500_000),
    "unbalanced_braces": ("\\frac{1}{2", "\\boxed{\\frac{1}{2}"),
    "unclosed_box": ("5", "the answer is \\boxed{5"),
    "nul_bytes": ("5\x00", "\x00\\boxed{\x005}\x00"),
    "nul_only": ("5", "\x00\x00\x00"),
    "control_characters": ("5", "\x1b[31m\\boxed{5}\x1b[0m"),
}


@pytest.mark.parametrize(("gold", "response"), BAD.values(), ids=BAD.keys())
def test_bad_input_gets_a_verdict_with_a_reason(gold: str, response: str) -> None:
    result = grade(gold, response, timeout=LIMIT)
    assert result.verdict in set(Verdict) and result.reason


def test_an_empty_gold_is_invalid_and_says_so() -> None:
    result = grade("", "\\boxed{3}")
    assert (result.verdict, result.decided_by) == (Verdict.INVALID, DecidedBy.RULES) and "gold" in result.reason


def test_nul_bytes_do_not_hide_a_correct_answer() -> None:
    assert grade("5\x00", "\x00\\boxed{\x005}\x00").verdict == Verdict.CORRECT


def test_a_response_of_only_nul_bytes_is_invalid() -> None:
    assert grade("5", "\x00\x00\x00").verdict == Verdict.INVALID
