"""The registry of named corrections: every correction has a reason and an example that `grade` gets right."""

from __future__ import annotations

import pytest

from lemmata.engines.answers import Verdict, grade
from lemmata.engines.answers.corrections import RULES, Correction, detect
from lemmata.engines.answers.equivalence import math_verify_view

EXAMPLES = [(name, rule) for name, rule in RULES.items() if rule.gold]


def test_every_correction_has_a_reason() -> None:
    assert set(RULES) == set(Correction)
    assert all(rule.reason for rule in RULES.values())


@pytest.mark.parametrize(("name", "rule"), EXAMPLES, ids=[name.value for name, _ in EXAMPLES])
def test_each_example_is_graded_right(name: Correction, rule) -> None:
    result = grade(rule.gold, rule.response)
    assert (result.verdict == Verdict.CORRECT) == rule.correct, result.reason


@pytest.mark.parametrize(("name", "rule"), EXAMPLES, ids=[name.value for name, _ in EXAMPLES])
def test_where_math_verify_errs_on_an_example_the_grade_names_a_correction(name: Correction, rule) -> None:
    view = math_verify_view(rule.gold, rule.response)
    result = grade(rule.gold, rule.response)
    if view.equal != rule.correct and result.decided_by == "rules" and result.reason != "identical to the gold after normalisation":
        assert result.corrections, result.reason


def test_math_verify_is_wrong_on_tiny_values_and_the_grade_says_why() -> None:
    rule = RULES[Correction.EXACT_VALUE]
    assert math_verify_view(rule.gold, rule.response).equal
    result = grade(rule.gold, rule.response)
    assert result.verdict == Verdict.INCORRECT and "exact_value" in result.corrections


def test_detectors_name_the_marks_of_documented_failures() -> None:
    assert Correction.NUMBER_FORMAT in detect("1000", "1{,}000")
    assert Correction.UNITS_AND_WORDS in detect("3", "3 \\text{ meters}")
    assert Correction.PLUS_MINUS in detect("\\pm 2", "2")
    assert Correction.INTERVAL_RELATION in detect("(0, 1)", "0 < y < 1")
    assert detect("17", "17") == ()
