"""Every shipped gold answer (MATH-500, AIME, HMMT, IMO-AnswerBench, IMO-ProofBench) graded against itself
in the usual response forms is correct; against another gold it is not, unless the two are really equal."""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from lemmata.engines.answers import Verdict, grade

GOLDS = [json.loads(line) for line in (Path(__file__).parent / "data" / "golds.jsonl").read_text(encoding="utf-8").splitlines()]
CROSS_SAMPLE = 150
"""Pairs of different golds checked in the default suite (all neighbours under `slow`)."""


def response_forms(gold: str) -> list[str]:
    sentence = f"The answer is {gold}." if "$" in gold else f"The answer is ${gold}$."
    return [gold, "\\boxed{" + gold + "}", sentence]


def test_the_shipped_golds_cover_the_five_datasets() -> None:
    prefixes = {row["id"].split("-")[0] for row in GOLDS}
    assert {"math500", "aime2025", "hmmt", "imo", "PB"} <= prefixes and len(GOLDS) > 900


def test_every_gold_is_correct_against_itself_in_every_form() -> None:
    failures = [
        (row["id"], form, result.verdict.value, result.reason)
        for row in GOLDS for form in response_forms(row["gold"])
        if (result := grade(row["gold"], form)).verdict != Verdict.CORRECT
    ]
    assert not failures, failures[:10]


def really_equal(first: str, second: str) -> bool:
    """Same value by plain arithmetic on simple numerals, or same text: the oracle for cross pairs."""
    def value(text: str) -> Fraction | str:
        text = text.strip().strip("$").replace("\\dfrac", "\\frac").replace(" ", "").replace("^\\circ", "")
        text = re.sub(r"^[a-z](?:\([a-z]\))?=", "", text)  # `g(n)=n-1` names the answer `n-1`
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            return text
    return value(first) == value(second)


def cross_pairs(count: int | None) -> list[tuple[str, str]]:
    golds = sorted({row["gold"] for row in GOLDS})
    pairs = [(golds[i], golds[(i + 1) % len(golds)]) for i in range(len(golds))]
    pairs += [(golds[i], golds[(i + 7) % len(golds)]) for i in range(len(golds))]
    return random.Random(14).sample(pairs, count) if count else pairs


def _assert_different_golds_are_not_correct(pairs: list[tuple[str, str]]) -> None:
    wrong = [(gold, other) for gold, other in pairs
             if not really_equal(gold, other) and grade(gold, "\\boxed{" + other + "}").verdict == Verdict.CORRECT]
    assert not wrong, wrong[:10]


def test_a_different_gold_is_not_correct() -> None:
    _assert_different_golds_are_not_correct(cross_pairs(CROSS_SAMPLE))


@pytest.mark.slow
def test_a_different_gold_is_not_correct_for_all_neighbour_pairs() -> None:
    _assert_different_golds_are_not_correct(cross_pairs(None))
