"""The pure comparison: each correction over plain math-verify, and ordinary equivalences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lemmata.engines.answers import EquivalenceStatus, equivalent

CASES = json.loads((Path(__file__).parent / "correction_cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_each_correction_gives_the_expected_status(case: dict) -> None:
    result = equivalent(case["answer"], case["gold"], case.get("question"))
    assert result.status == EquivalenceStatus(case["expected"]), result.reason
    assert case["correction"] in result.corrections, result.corrections


@pytest.mark.parametrize(
    ("answer", "gold"),
    [
        ("\\dfrac{3}{4}", "\\frac34"),
        ("x = 5", "5"),
        ("1,000", "1000"),
        ("\\frac{x}{7}+\\frac{2}{7}", "\\frac{x+2}{7}"),
        ("\\sqrt{2}\\cdot\\sqrt{3}", "\\sqrt{6}"),
        ("(3, \\pi/2)", "\\left( 3, \\frac{\\pi}{2} \\right)"),
        ("C", "\\text{(C)}"),
        ("Evelyn", "\\text{Evelyn}"),
        ("30^\\circ", "30"),
        ("10\\text{ inches}", "10"),
        ("25", "25\\%"),
        ("0.25", "25\\%"),
        ("-0.\\overline{3}", "-\\frac{1}{3}"),
        ("-2 \\le x \\le 3", "[-2, 3]"),
        ("x < 0", "(-\\infty, 0)"),
        ("\\$32,\\!348", "32348"),
    ],
)
def test_equivalent_forms_are_accepted(answer: str, gold: str) -> None:
    assert equivalent(answer, gold).status == EquivalenceStatus.EQUIVALENT


@pytest.mark.parametrize(
    ("answer", "gold"),
    [
        ("[2,5)", "[2,5]"),
        ("\\pm 2021", "2021"),
        ("B", "\\text{(C)}"),
        ("x^2-1", "x^2+1"),
        ("26", "25\\%"),
        ("x > 0", "(-\\infty, 0)"),
        ("\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"),
    ],
)
def test_different_answers_are_rejected(answer: str, gold: str) -> None:
    assert equivalent(answer, gold).status == EquivalenceStatus.NOT_EQUIVALENT


def test_differently_spelled_words_are_left_undecided() -> None:
    result = equivalent("Eve", "\\text{Evelyn}")
    assert result.status == EquivalenceStatus.WORDS and not result.decided


@pytest.mark.parametrize(("answer", "gold"), [("\\text{No}", "\\text{yes}"), ("odd", "\\text{even}"), ("\\frac{1}{4}", "\\text{east}")])
def test_different_closed_choice_words_and_numbers_for_words_are_rejected(answer: str, gold: str) -> None:
    assert equivalent(answer, gold).status == EquivalenceStatus.NOT_EQUIVALENT


def test_astronomical_powers_are_refused_not_evaluated() -> None:
    assert equivalent("10^{10^{10}}", "5").status == EquivalenceStatus.TOO_LARGE


def test_deep_nesting_is_refused() -> None:
    assert equivalent("(" * 200 + "1" + ")" * 200, "1").status == EquivalenceStatus.TOO_LARGE


def test_a_choice_letter_against_option_content_is_left_to_the_judge() -> None:
    assert equivalent("\\frac{1}{2}", "\\text{(C)}").status == EquivalenceStatus.WORDS
    assert equivalent("(B)", "42").status == EquivalenceStatus.WORDS
    assert equivalent("e", "2.718281828").status == EquivalenceStatus.EQUIVALENT  # Euler's e is not choice E
