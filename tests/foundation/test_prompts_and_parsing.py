"""Prompt templates render strictly; boxed answers are scanned, never evaluated."""

import pytest

from lemmata import prompts
from lemmata.agent.loop.parsing import boxed_contents, last_boxed


def test_a_missing_field_names_the_template_and_the_field():
    with pytest.raises(prompts.PromptError, match=r"prompts/solve.txt needs field\(s\) problem"):
        prompts.render("solve")


def test_field_values_are_inserted_verbatim():
    messages = prompts.render("solve", problem="Is {{problem}} $\\{x\\}$ here?")
    assert "Is {{problem}} $\\{x\\}$ here?" in messages[-1]["content"]
    assert messages[0]["role"] == "system"


@pytest.mark.parametrize("text, expected", [
    ("so \\boxed{\\frac{1}{2}}.", "\\frac{1}{2}"),
    ("\\boxed{1} then \\boxed{ 2 }", "2"),
    ("\\boxed{\\{1,2\\}}", "\\{1,2\\}"),
    ("unbalanced \\boxed{3", None),
    ("no box at all", None),
])
def test_last_boxed(text, expected):
    assert last_boxed(text) == expected


def test_a_megabyte_of_open_braces_is_scanned_quickly():
    assert boxed_contents("\\boxed{" + "{" * 1_000_000) == []
