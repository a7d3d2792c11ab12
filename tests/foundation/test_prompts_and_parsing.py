"""Prompt templates render strictly; boxed answers are scanned, never evaluated."""

import re
from pathlib import Path

import pytest

from lemmata import prompts
from lemmata.agent.loop.parsing import boxed_contents, last_boxed


def test_a_missing_field_names_the_template_and_the_field():
    with pytest.raises(prompts.PromptError, match=r"prompts/reasoner.txt needs field\(s\) round_note"):
        prompts.render("reasoner", problem="p", library="")


def test_field_values_are_inserted_verbatim():
    messages = prompts.render("reasoner", problem="Is {{problem}} $\\{x\\}$ here?", library="", round_note="")
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


def test_every_prompt_template_is_rendered_by_the_product():
    """A template no role renders is dead text that drifts from the parsers."""
    repository = Path(prompts.__file__).resolve().parents[1]
    code = "\n".join(path.read_text(encoding="utf-8") for room in ("agent", "engines", "memory")
                     for path in (repository / room).rglob("*.py"))
    rendered = set(re.findall(r"prompts\.render\(\s*\"(\w+)\"", code))
    templates = {path.stem for path in Path(prompts.__file__).parent.glob("*.txt")}
    assert templates == rendered
