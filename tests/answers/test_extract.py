"""Final-answer extraction from model responses."""

from __future__ import annotations

import pytest

from engines.answers import ExtractionMethod, extract_final_answer


@pytest.mark.parametrize(
    ("response", "text", "method"),
    [
        ("so we get $\\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}", ExtractionMethod.BOXED),
        ("first \\boxed{3}\n\nthen, correcting, \\boxed{4}", "4", ExtractionMethod.BOXED),
        ("Thus $x = \\boxed{\\{1, 2\\}}$", "\\{1, 2\\}", ExtractionMethod.BOXED),
        ("The final answer is $\\pi/2$. I hope it is correct.", "\\pi/2", ExtractionMethod.FINAL_ANSWER_PHRASE),
        ("Final answer: pi/2", "pi/2", ExtractionMethod.FINAL_ANSWER_PHRASE),
        ("**Answer:** 73", "73", ExtractionMethod.ANSWER_PHRASE),
        ("we compute $3+4$ and get $7$", "7", ExtractionMethod.LAST_MATH),
        ("after all that the count is 42.", "42", ExtractionMethod.LAST_NUMBER),
        ("The answer is 3 apples.", "3", ExtractionMethod.ANSWER_PHRASE),
        ("Answer: $\\$32,\\!348$", "\\$32,\\!348", ExtractionMethod.ANSWER_PHRASE),
        ("<think>maybe \\boxed{1}</think>The answer is \\boxed{2}", "2", ExtractionMethod.BOXED),
    ],
)
def test_final_answer_is_found(response: str, text: str, method: ExtractionMethod) -> None:
    found = extract_final_answer(response)
    assert (found.text, found.method) == (text, method)


def test_several_boxes_in_the_closing_paragraph_form_one_list() -> None:
    assert extract_final_answer("The roots are \\boxed{3} or \\boxed{4}.").text == "3, 4"


def test_nothing_to_extract_says_so() -> None:
    assert extract_final_answer("I am not sure how to proceed with this problem at all, sorry about that really.").method == ExtractionMethod.NONE


def test_a_megabyte_of_text_is_searched_quickly() -> None:
    found = extract_final_answer("word " * 200_000 + "so \\boxed{5}")
    assert found.text == "5"
