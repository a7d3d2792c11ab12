"""Final-answer extraction from model responses."""

from __future__ import annotations

import pytest

from lemmata.engines.answers import ExtractionMethod, extract_final_answer


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
        ("after all that the count is 42.", "", ExtractionMethod.NONE),  # no guess: math-verify's extraction decides
        ("The answer is 3 apples.", "3 apples", ExtractionMethod.ANSWER_PHRASE),  # the unit goes at comparison
        ("10/9", "10/9", ExtractionMethod.WHOLE_RESPONSE),
        ("x^2+2x+1", "x^2+2x+1", ExtractionMethod.WHOLE_RESPONSE),
        ("Final Answer: The largest $n$ is 34", "34", ExtractionMethod.FINAL_ANSWER_PHRASE),
        ("The answer is 14. Check: 2*7=14 and 14-3=11.", "14", ExtractionMethod.ANSWER_PHRASE),
        ("so $x=3$ or $x=4$", "x=3 or x=4", ExtractionMethod.LAST_MATH),
        ("Ответ: 12", "12", ExtractionMethod.ANSWER_PHRASE),
        ("答案是 $7$。", "7", ExtractionMethod.ANSWER_PHRASE),
        ("Answer: $\\$32,\\!348$", "\\$32,\\!348", ExtractionMethod.ANSWER_PHRASE),
        ("<think>maybe \\boxed{1}</think>The answer is \\boxed{2}", "2", ExtractionMethod.BOXED),
    ],
)
def test_final_answer_is_found(response: str, text: str, method: ExtractionMethod) -> None:
    found = extract_final_answer(response)
    assert (found.text, found.method) == (text, method)


def test_several_boxes_in_the_closing_paragraph_form_one_list() -> None:
    assert extract_final_answer("The roots are \\boxed{3} or \\boxed{4}.").text == "3, 4"


def test_chat_template_residue_after_the_answer_is_dropped() -> None:
    found = extract_final_answer("so \\boxed{3}<|im_end|>\n<|im_start|>user\nand now? \\boxed{8}")
    assert found.text == "3" and "chat_residue" in found.corrections


def test_nul_bytes_are_dropped() -> None:
    assert extract_final_answer("so \x00\\boxed{6}\x00").text == "6"


def test_nothing_to_extract_says_so() -> None:
    assert extract_final_answer("I am not sure how to proceed with this problem at all, sorry about that really.").method == ExtractionMethod.NONE


def test_a_megabyte_of_text_is_searched_quickly() -> None:
    found = extract_final_answer("word " * 200_000 + "so \\boxed{5}")
    assert found.text == "5"


@pytest.mark.parametrize(
    ("response", "text"),
    [
        ("The minimum is $11$, achieved at $x=3$.", "11"),
        ("The minimum value $11$ is attained at $x=3$ and $y=4$.", "11"),
        ("So the answer is $11$, attained when $x = 3$.", "11"),
        ("The maximum, $\\frac{9}{4}$, is reached at $t=\\frac12$.", "\\frac{9}{4}"),
        # the clause is the answer's own sentence only: later maths is read as before
        ("The minimum is $11$, achieved at $x=3$.\nSo $x=3$.", "x=3"),
        # maths before the clause that is not its subject: nothing is cut
        ("The value is achieved at $x = 3$.", "x = 3"),
    ],
)
def test_maths_in_a_clause_saying_where_a_value_is_reached_is_not_the_answer(response: str, text: str) -> None:
    assert extract_final_answer(response).text == text
