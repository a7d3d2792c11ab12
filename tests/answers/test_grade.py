"""`grade`: extraction, rules in a worker, verdicts with their path and reason, pathological input."""

from __future__ import annotations

import asyncio
import random
import string
from concurrent.futures import ThreadPoolExecutor

import pytest

from lemmata.engines.answers import DecidedBy, Grade, Verdict, agrade, grade
from lemmata.engines.answers.grade import is_looping

LIMIT = 2.0
"""Wall-clock limit given to grade in the pathological cases."""


def test_correct_answer_is_graded_by_rules_with_reason() -> None:
    result = grade("\\frac{1}{2}", "Hence the probability is $\\boxed{0.5}$.")
    assert (result.verdict, result.decided_by) == (Verdict.CORRECT, DecidedBy.RULES)
    assert result.extracted == "0.5" and result.reason


def test_list_answer_is_not_accepted_for_one_matching_element() -> None:
    result = grade("3", "It could be \\boxed{3} or \\boxed{4}.")
    assert result.verdict == Verdict.INCORRECT and "list_length" in result.corrections


def test_reversed_ordered_pair_is_incorrect() -> None:
    assert grade("(1,2)", "The final answer is $(2, 1)$.").verdict == Verdict.INCORRECT


def test_plain_text_answer_is_accepted() -> None:
    assert grade("\\frac{\\pi}{2}", "Final answer: pi/2").verdict == Verdict.CORRECT


def test_form_question_without_judge_is_undecided_and_says_why() -> None:
    result = grade("(x+1)^2", "\\boxed{x^2+2x+1}", question="Factor completely: $x^2+2x+1$.")
    assert (result.verdict, result.decided_by) == (Verdict.UNDECIDED, DecidedBy.NONE)
    assert "factor" in result.reason and "no judge" in result.reason


def test_empty_and_looping_responses_are_invalid() -> None:
    assert grade("5", "   ").verdict == Verdict.INVALID
    assert grade("5", "Let me recompute. " * 200).verdict == Verdict.INVALID


def test_looping_detection_is_fast_on_adversarial_text() -> None:
    assert not is_looping("a" * 4000 + "b")
    assert not is_looping("ok " * 100 + "so the answer is 5")
    assert is_looping("The answer is 5. Wait. " * 20)


def test_grade_round_trips_as_json() -> None:
    result = grade("7", "\\boxed{7}")
    assert Grade.model_validate_json(result.model_dump_json()) == result


@pytest.mark.parametrize(
    "response",
    [
        "\\boxed{10^{10^{10}}}",
        "\\boxed{" + "(" * 300 + "1" + ")" * 300 + "}",
        "\\boxed{(x+1)^{99999}}",
        " ".join("".join(random.Random(i).choices(string.ascii_lowercase, k=7)) for i in range(130_000)),
    ],
    ids=["power_tower", "deep_parentheses", "huge_polynomial", "megabyte_of_text"],
)
def test_pathological_input_is_undecided_within_the_limit(response: str) -> None:
    result = grade("5", response, timeout=LIMIT)
    assert result.verdict == Verdict.UNDECIDED


@pytest.mark.parametrize(
    "response",
    ["".join(f"\\boxed{{{i} " for i in range(100_000)), "".join(f"\\[ x_{{{i}}} " for i in range(100_000))],
    ids=["unclosed_boxes", "unclosed_display_maths"],
)
def test_adversarial_markup_is_graded_within_the_limit(response: str) -> None:
    result = grade("5", response, timeout=LIMIT)
    assert result.verdict != Verdict.CORRECT


def test_a_comparison_that_hangs_is_stopped_and_the_next_grade_works() -> None:
    # Expanding a 99999th power never finishes; the worker is killed at the limit.
    slow = grade("(x+2)^{99999}", "\\boxed{(x+1)^{99999} - (x+1)^{99998}}", timeout=1.0)
    assert slow.verdict == Verdict.UNDECIDED and "exceeded" in slow.reason
    assert grade("4", "\\boxed{4}").verdict == Verdict.CORRECT


def test_grade_is_safe_from_threads() -> None:
    cases = [("1/2", "\\boxed{0.5}"), ("(1,2)", "\\boxed{(2,1)}"), ("\\sqrt{2}", "\\boxed{\\sqrt 2}"), ("3", "\\boxed{4}")] * 2
    with ThreadPoolExecutor(max_workers=4) as threads:
        verdicts = list(threads.map(lambda case: grade(*case).verdict, cases))
    assert verdicts == [Verdict.CORRECT, Verdict.INCORRECT, Verdict.CORRECT, Verdict.INCORRECT] * 2


def test_agrade_runs_inside_an_event_loop() -> None:
    async def many() -> list[Grade]:
        return await asyncio.gather(*(agrade(str(n), f"\\boxed{{{n}}}") for n in range(4)))

    assert all(result.verdict == Verdict.CORRECT for result in asyncio.run(many()))
