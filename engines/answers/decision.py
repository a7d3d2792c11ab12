"""Decides a (gold, response) pair by rules: math-verify's verdict, unless a named correction departs from it.

Both checkers run: plain math-verify on the whole pair, and our comparison of the extracted
answer. Where they agree, that is the verdict. Where they disagree, ours stands only when a
correction in `lemmata.engines.answers.corrections` names the documented math-verify failure at hand;
otherwise math-verify's verdict stands. So every departure from math-verify has a name.
This module does the symbolic work; `grade` runs it under a wall-clock bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lemmata.engines.answers.answer_shape import compact
from lemmata.engines.answers.corrections import Correction, detect
from lemmata.engines.answers.equivalence import Equivalence, EquivalenceStatus, MathVerifyView, equivalent, math_verify_view
from lemmata.engines.answers.extract import Extraction, ExtractionMethod, extract_final_answer

MIN_GOLD_COVERAGE = 0.5
"""math-verify's verdict counts only when what it read covers this share of the gold (not one word of it)."""
ANCHORED = frozenset({ExtractionMethod.BOXED, ExtractionMethod.FINAL_ANSWER_PHRASE, ExtractionMethod.ANSWER_PHRASE})


@dataclass(frozen=True)
class Decision:
    """The rules' verdict on one pair: an equivalence status with its reason and named corrections."""

    status: EquivalenceStatus
    reason: str
    extracted: str
    method: ExtractionMethod
    corrections: tuple[str, ...] = field(default=())


def decide(gold: str, response: str, question: str | None = None, extraction: Extraction | None = None) -> Decision:
    """Compare `response` with `gold`; departs from plain math-verify only through a named correction."""
    extraction = extraction or extract_final_answer(response)
    answer, method = extraction.text, extraction.method
    view = None if answer else math_verify_view(gold, response)
    if view is not None and view.answer_extracted:
        answer, method = view.answer_extracted, ExtractionMethod.MATH_VERIFY
    ours = equivalent(answer, gold, question) if answer else Equivalence(EquivalenceStatus.EMPTY, "no final answer found")
    names = tuple(dict.fromkeys([*(c.value for c in ours.corrections), *extraction.corrections]))
    if (ours.decided and names) or ours.status in (EquivalenceStatus.FORM_DIFFERS, EquivalenceStatus.TOO_LARGE):
        return Decision(ours.status, ours.reason, answer, method, names)  # a named correction: math-verify is not asked
    view = view or math_verify_view(gold, response)
    if not view.both_parsed:
        return Decision(ours.status, ours.reason, answer, method, names)
    if not _covers(view.gold_extracted, gold):
        partial = (Correction.PARTIAL_GOLD.value,) if view.equal else ()
        return Decision(ours.status, ours.reason, answer, method, names + partial)
    agrees = (ours.status == EquivalenceStatus.EQUIVALENT) == view.equal
    if ours.decided and agrees:
        return Decision(ours.status, ours.reason, answer, method, names)
    if not ours.decided:
        if view.equal:
            return Decision(EquivalenceStatus.EQUIVALENT, f"math-verify: equal ({ours.reason})", answer, method, names)
        return Decision(ours.status, ours.reason, answer, method, names)
    names = names or _documented_failures(gold, answer, method, view)
    if names:
        return Decision(ours.status, ours.reason, answer, method, names)
    status = EquivalenceStatus.EQUIVALENT if view.equal else EquivalenceStatus.NOT_EQUIVALENT
    reason = f"math-verify: {'equal' if view.equal else 'not equal'} (our comparison said {ours.reason!r} without a documented cause)"
    return Decision(status, reason, view.answer_extracted or answer, method, ())


def _documented_failures(gold: str, answer: str, method: ExtractionMethod, view: MathVerifyView) -> tuple[str, ...]:
    found = [name.value for name in detect(gold, answer)]
    if compact(answer) == compact(gold):
        found.append(Correction.SAME_TEXT.value)
    if method in ANCHORED and view.answer_extracted and compact(view.answer_extracted) not in compact(answer):
        found.append(Correction.ANCHORED_ANSWER.value)
    return tuple(found)


def _covers(extracted: str, gold: str) -> bool:
    letters = lambda text: len(re.sub(r"\\[A-Za-z]+|[\s${}]", "", text))  # noqa: E731
    return letters(extracted) >= MIN_GOLD_COVERAGE * letters(gold)
