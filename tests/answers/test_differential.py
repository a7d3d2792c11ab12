"""Differential test against plain math-verify over a corpus generated from the shipped golds.

Each gold is paired with rewritten forms of itself (boxed, in `$…$`, in "The answer is …", bare,
extra spacing, `\\dfrac` for `\\frac`, a decimal for a terminating fraction, a reordered list) and
with other golds. Wherever math-verify says correct with both sides parsed and `grade` does not,
the grade must name one of the registered corrections: no silent departure from math-verify.
The default suite checks a seeded sample; the whole corpus runs under the `slow` marker.
"""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from lemmata.engines.answers import Correction, Verdict, grade
from lemmata.engines.answers.equivalence import math_verify_view

GOLDS = sorted({json.loads(line)["gold"] for line in (Path(__file__).parent / "data" / "golds.jsonl").read_text(encoding="utf-8").splitlines()})
SAMPLE = 40
"""Pairs checked in the default suite."""
SIMPLE_FRACTION = re.compile(r"^(-?)\\d?frac\{(\d+)\}\{(\d+)\}$")


def rewrites(gold: str) -> list[str]:
    """Responses that state `gold` in another way (each should grade correct)."""
    forms = ["\\boxed{" + gold + "}", f"${gold}$", f"The answer is ${gold}$.", gold, re.sub(r"\s*,\s*", ", ", gold),
             gold.replace("\\frac", "\\dfrac")]
    fraction = SIMPLE_FRACTION.match(gold)
    if fraction:
        value = Fraction(int(fraction.group(2)), int(fraction.group(3)))
        if value.denominator & (value.denominator - 1) == 0 or value.denominator in (5, 10, 20, 25, 50):
            forms.append("\\boxed{" + fraction.group(1) + str(float(value)) + "}")
    items = [item.strip() for item in gold.split(",")]
    if len(items) > 1 and "(" not in gold and "\\{" not in gold:
        forms.append("\\boxed{" + ", ".join(reversed(items)) + "}")
    return forms


def corpus() -> list[tuple[str, str]]:
    pairs = [(gold, form) for gold in GOLDS for form in rewrites(gold)]
    rng = random.Random(20250814)
    pairs += [(gold, "\\boxed{" + rng.choice(GOLDS) + "}") for gold in GOLDS]
    return pairs


def departures(pairs: list[tuple[str, str]]) -> list[tuple[str, str, str, list[str]]]:
    """Pairs where math-verify (both sides parsed) says correct, `grade` does not, and no correction is named."""
    unexplained = []
    for gold, response in pairs:
        view = math_verify_view(gold, response)
        if not (view.equal and view.both_parsed):
            continue
        result = grade(gold, response)
        named = [name for name in result.corrections if name in set(Correction)]
        if result.verdict != Verdict.CORRECT and not named:
            unexplained.append((gold, response, result.reason, result.corrections))
    return unexplained


def test_the_corpus_has_every_kind_of_rewrite() -> None:
    pairs = corpus()
    assert len(pairs) > 5 * len(GOLDS)
    assert any(r.startswith("\\boxed{0.") for _, r in pairs) and any("\\dfrac" in r for _, r in pairs)


def test_departures_from_math_verify_are_named_on_a_sample() -> None:
    sample = random.Random(14).sample(corpus(), SAMPLE)
    assert not departures(sample)


@pytest.mark.slow
def test_departures_from_math_verify_are_named_on_the_whole_corpus() -> None:
    assert not departures(corpus())
