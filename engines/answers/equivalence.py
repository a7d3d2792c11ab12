"""Decides whether an extracted answer equals the gold answer: math-verify plus our corrections.

`equivalent(answer, gold)` is a pure comparison that knows nothing of the agent. It runs
math-verify with its signal timeouts off, so call it through a worker (see `grade`), which
enforces the wall-clock limit. Corrections over plain math-verify, each recorded by name:

- ordered tuples and lists keep their order and multiplicity (math-verify compares sets);
- a list is never accepted because one of its elements matches a single gold value;
- symbol-free values are compared exactly or at adaptive precision, not after rounding;
- a truncated LaTeX parse (`1 - \\frac{1}{` from `\\mathrm{e}`) is never compared;
- plain-text answers (`pi/2`, `exp(16)`) are read by a whitelist parser;
- where the question asks for a form (factor, expand, common fraction), an equal value in
  another form is left to the judge.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import sympy
from math_verify import parse as math_verify_parse
from math_verify import verify as math_verify_verify
from math_verify.parser import ExprExtractionConfig, LatexExtractionConfig

from lemmata.engines.answers.answer_shape import (
    AnswerShape,
    ListKind,
    answer_shape,
    choice_letter,
    compact,
    normalise_latex,
    without_assigned_names,
    is_word_answer,
    word_key,
)
from lemmata.engines.answers.corrections import Correction
from lemmata.engines.answers.errors import ExpressionTooLarge, UnsafeExpression
from lemmata.engines.answers.numeric_check import (
    NumericResult,
    compare_at_random_points,
    compare_constants,
    is_numeric_constant,
    is_too_large,
    MAX_EXPONENT,
)
from lemmata.engines.answers.plain_expression import parse_plain_expression
from lemmata.engines.answers.verdicts import EquivalenceStatus

# math-verify warns once per process that its timeouts are off; the worker enforces them.
logging.getLogger("math_verify").setLevel(logging.ERROR)

MAX_COMPARED_CHARS = 1_000
"""Answers longer than this are not compared by rules."""
MAX_NESTING_DEPTH = 40
"""Answers nested deeper than this (brackets and braces) are not parsed."""
MAX_LIST_ITEMS = 30
"""Lists longer than this are not compared item by item."""
MIN_PARSE_COVERAGE = 0.5
"""math-verify's parse must cover at least this share of the answer's characters."""
INEQUALITY = re.compile(r"<|>|\\[lg]eq?\b|\\[lg]t\b")
PERCENT = re.compile(r"\\?%")
CLOSED_VOCABULARIES = (
    frozenset({"yes", "no"}), frozenset({"true", "false"}), frozenset({"even", "odd"}),
    frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}),
    frozenset({"north", "south", "east", "west"}), frozenset({"increasing", "decreasing"}),
    frozenset({"convergent", "divergent", "converges", "diverges"}),
)
"""Word answers whose alternatives are known: two different members are simply different."""
NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty hundred thousand million none infinitely infinite".split()
)
NUMBER_ONLY = re.compile(r"^-?[\d.,/\s]+$|^-?\\frac\{\d+\}\{\d+\}$")
DECIMAL = re.compile(r"\d\.\d")
LATEX_CONFIG = (LatexExtractionConfig(),)
DEFAULT_CONFIG = (LatexExtractionConfig(), ExprExtractionConfig())
"""math-verify's own default extraction: LaTeX (boxed, `$…$`, answer phrases) and plain expressions."""
DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
RELATION = re.compile(
    r"^\s*(?:(?P<low>[^<>]+?)\s*(?P<lop><|\\le(?:q|qslant)?|\\lt|≤)\s*)?(?P<var>[A-Za-z](?:\([A-Za-z]\))?)\s*"
    r"(?:(?P<hop><|\\le(?:q|qslant)?|\\lt|≤|>|\\ge(?:q|qslant)?|\\gt|≥)\s*(?P<high>[^<>]+?))?\s*$"
)
"""`a < x < b`, `x \\le b`, `x > a`, `0 < f(x) < 1`: one variable bounded on one or both sides."""
PLAIN_MATH = re.compile(r"\b(?:pi|sqrt|exp|ln|log|sin|cos|tan|arcsin|arccos|arctan|abs)\b|\*")
ORDER_WORDS = re.compile(
    r"\b(?:ordered|in order|increasing|decreasing|ascending|descending|respectively|in that order|sequence)\b",
    re.IGNORECASE,
)
EXPRESSION_FORM_WORDS = re.compile(
    r"\b(?:factor(?:ed|ise|ize)?|expand(?:ed)?|simplif(?:y|ied)|simplest form|standard form|partial fractions?)\b",
    re.IGNORECASE,
)
FRACTION_FORM_WORDS = re.compile(r"\b(?:common fraction|lowest terms|simplest form|as a fraction)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Equivalence:
    """Result of `equivalent`: a status, a one-line reason, and the corrections that applied."""

    status: EquivalenceStatus
    reason: str
    """Why, in one line (shown to users and stored with the grade)."""
    corrections: tuple[Correction, ...] = field(default=())
    """Which of our corrections over math-verify took part."""

    @property
    def decided(self) -> bool:
        """True when rules settled the question (equivalent or not)."""
        return self.status in (EquivalenceStatus.EQUIVALENT, EquivalenceStatus.NOT_EQUIVALENT)

    def with_correction(self, correction: Correction) -> Equivalence:
        return Equivalence(self.status, self.reason, tuple(dict.fromkeys((*self.corrections, correction))))


class ParsedValue(NamedTuple):
    value: sympy.Basic
    plain: bool
    """True when read by the plain-text parser rather than as LaTeX."""


def equivalent(answer: str, gold: str, question: str | None = None) -> Equivalence:
    """Compare `answer` with `gold` (both LaTeX or plain text); `question` tunes order and form rules."""
    if not answer.strip():
        return Equivalence(EquivalenceStatus.EMPTY, "no answer to compare")
    if max(len(answer), len(gold)) > MAX_COMPARED_CHARS:
        return Equivalence(EquivalenceStatus.TOO_LARGE, f"answer longer than {MAX_COMPARED_CHARS} characters")
    if compact(answer) == compact(gold):
        return Equivalence(EquivalenceStatus.EQUIVALENT, "identical after normalisation")
    if max(nesting_depth(answer), nesting_depth(gold)) > MAX_NESTING_DEPTH:
        return Equivalence(EquivalenceStatus.TOO_LARGE, f"nested deeper than {MAX_NESTING_DEPTH} levels")
    words = _compare_words(answer, gold)
    if words is not None:
        return words
    question = question or ""
    if ("=" in answer) != ("=" in gold):  # `(p,q)=(3,2)` against `(3,2)`: compare the values assigned
        answer, gold = without_assigned_names(answer), without_assigned_names(gold)
    intervals = _compare_as_intervals(answer, gold, question)
    if intervals is not None:
        return intervals
    written = normalise_latex(answer)
    if DECIMAL_COMMA.match(written) and "," not in compact(gold) and not re.match(r"^-?[1-9]\d{0,2},\d{3}$", written):
        result = _compare_values(written.replace(",", "."), gold, question)
        return result.with_correction(Correction.NUMBER_FORMAT)
    return _compare_shapes(answer_shape(answer), answer_shape(gold), question)


def relation_as_interval(text: str) -> str | None:
    """`x < 2 \\text{ or } x > 3` → `(-\\infty, 2) \\cup (3, \\infty)`; None when `text` is not such a relation."""
    pieces = re.split(r"\\text\{\s*or\s*\}|\s+or\s+|\\lor|\\vee|\\cup", normalise_latex(text))
    intervals = []
    for piece in pieces:
        match = RELATION.match(piece)
        if not match or not (match.group("lop") or match.group("hop")):
            return None
        intervals.append(_interval(match))
    return " \\cup ".join(intervals) if intervals else None


def _interval(match: re.Match[str]) -> str:
    low, high = "-\\infty", "\\infty"
    low_closed = high_closed = False
    if match.group("lop"):
        low, low_closed = match.group("low").strip(), not match.group("lop").startswith(("<", "\\lt"))
    if match.group("hop"):
        bound, op = match.group("high").strip(), match.group("hop")
        closed = not op.startswith(("<", ">", "\\lt", "\\gt"))
        if op.startswith((">", "\\g", "≥")):
            low, low_closed = bound, closed
        else:
            high, high_closed = bound, closed
    return f"{'[' if low_closed else '('}{low}, {high}{']' if high_closed else ')'}"


def _compare_as_intervals(answer: str, gold: str, question: str) -> Equivalence | None:
    """An inequality against an interval (or two inequalities): compare both as intervals."""
    mine, theirs = relation_as_interval(answer), relation_as_interval(gold)
    if (mine is None) == (theirs is None) and not (mine and theirs and mine != theirs):
        return None
    result = _compare_values(mine or answer, theirs or gold, question)
    return result.with_correction(Correction.INTERVAL_RELATION) if result.decided else None


def nesting_depth(text: str) -> int:
    """Deepest bracket nesting in `text` (parentheses, brackets and braces together)."""
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def _compare_words(answer: str, gold: str) -> Equivalence | None:
    gold_letter, answer_letter = choice_letter(gold), choice_letter(answer)
    if gold_letter and answer_letter:
        same = gold_letter == answer_letter
        status = EquivalenceStatus.EQUIVALENT if same else EquivalenceStatus.NOT_EQUIVALENT
        return Equivalence(status, f"choice {answer_letter} vs gold {gold_letter}")
    if gold_letter or answer_letter:
        return Equivalence(EquivalenceStatus.WORDS, "multiple choice: a letter against an option's content; a judge must decide")
    if not (is_word_answer(gold) or is_word_answer(answer)):
        return None
    mine, theirs = word_key(answer), word_key(gold)
    if mine == theirs:
        return Equivalence(EquivalenceStatus.EQUIVALENT, "same words")
    if any(mine in vocabulary and theirs in vocabulary for vocabulary in CLOSED_VOCABULARIES):
        return Equivalence(EquivalenceStatus.NOT_EQUIVALENT, f"{mine!r} and {theirs!r} are different values of one closed choice")
    if is_word_answer(gold) and NUMBER_ONLY.match(answer.strip()) and theirs not in NUMBER_WORDS:
        return Equivalence(EquivalenceStatus.NOT_EQUIVALENT, "a number where the gold answer is a word")
    return Equivalence(EquivalenceStatus.WORDS, "word answers differ; a judge must decide")


def _compare_shapes(answer: AnswerShape, gold: AnswerShape, question: str) -> Equivalence:
    if ListKind.INTERVAL in (answer.kind, gold.kind) or _interval_as_relation(answer, gold):
        return _compare_values(answer.text, gold.text, question)
    if len(answer.items) == 1 and len(gold.items) == 1:
        return _compare_values(answer.items[0], gold.items[0], question)
    if len(answer.items) != len(gold.items):
        reason = f"answer lists {len(answer.items)} item(s), gold {len(gold.items)}"
        return Equivalence(EquivalenceStatus.NOT_EQUIVALENT, reason, (Correction.LIST_LENGTH,))
    if len(gold.items) > MAX_LIST_ITEMS:
        return Equivalence(EquivalenceStatus.TOO_LARGE, f"more than {MAX_LIST_ITEMS} list items")
    ordered = gold.kind == ListKind.TUPLE or (gold.kind == ListKind.BARE and bool(ORDER_WORDS.search(question)))
    if ordered:
        return _compare_ordered(answer, gold, question)
    return _compare_unordered(answer, gold, question)


def _interval_as_relation(answer: AnswerShape, gold: AnswerShape) -> bool:
    """`x < 0` for `(-\\infty, 0)`: a single inequality against a pair is an interval question."""
    return gold.kind == ListKind.TUPLE and len(gold.items) == 2 and answer.kind == ListKind.SINGLE and bool(INEQUALITY.search(answer.text))


def _compare_ordered(answer: AnswerShape, gold: AnswerShape, question: str) -> Equivalence:
    for position, (mine, theirs) in enumerate(zip(answer.items, gold.items, strict=True), start=1):
        result = _compare_values(mine, theirs, question)
        if not result.decided:
            return result
        if result.status == EquivalenceStatus.NOT_EQUIVALENT:
            reason = f"item {position} of the ordered list differs: {result.reason}"
            return Equivalence(EquivalenceStatus.NOT_EQUIVALENT, reason, (Correction.ORDERED_LIST,))
    return Equivalence(EquivalenceStatus.EQUIVALENT, f"all {len(gold.items)} items equal in order", (Correction.ORDERED_LIST,))


def _compare_unordered(answer: AnswerShape, gold: AnswerShape, question: str) -> Equivalence:
    unused = list(answer.items)
    undecided: Equivalence | None = None
    for wanted in gold.items:
        match = None
        for candidate in unused:
            result = _compare_values(candidate, wanted, question)
            if result.status == EquivalenceStatus.EQUIVALENT:
                match = candidate
                break
            if not result.decided:
                undecided = result
        if match is None:
            if undecided is not None:
                return undecided
            reason = f"gold item {wanted!r} has no equal item in the answer"
            return Equivalence(EquivalenceStatus.NOT_EQUIVALENT, reason, (Correction.LIST_LENGTH,))
        unused.remove(match)
    return Equivalence(EquivalenceStatus.EQUIVALENT, f"all {len(gold.items)} items equal (any order)", (Correction.ORDERED_LIST,))


def _compare_values(answer: str, gold: str, question: str) -> Equivalence:
    if compact(answer) == compact(gold):
        return Equivalence(EquivalenceStatus.EQUIVALENT, "identical after normalisation")
    mine, theirs = parse_value(answer), parse_value(gold)
    if mine is None or theirs is None:
        which = "answer" if mine is None else "gold"
        return Equivalence(EquivalenceStatus.UNPARSEABLE, f"could not parse the {which} {(answer if mine is None else gold)[:60]!r}")
    result = _compare_parsed(mine.value, theirs.value)
    if result.status == EquivalenceStatus.NOT_EQUIVALENT and PERCENT.search(answer + gold):
        result = _compare_without_percent(answer, gold, result)
    if mine.plain or theirs.plain:
        result = result.with_correction(Correction.PLAIN_TEXT)
    return _apply_form_rule(result, (answer, mine.value), (gold, theirs.value), question)


def _compare_without_percent(answer: str, gold: str, result: Equivalence) -> Equivalence:
    """`25\\%` and `25` name the same answer (as in math-verify); `0.25` stays equal to `25\\%` too."""
    mine, theirs = parse_value(PERCENT.sub("", answer)), parse_value(PERCENT.sub("", gold))
    if mine is None or theirs is None:
        return result
    again = _compare_parsed(mine.value, theirs.value)
    if again.status == EquivalenceStatus.EQUIVALENT:
        return Equivalence(EquivalenceStatus.EQUIVALENT, f"equal with the percent sign dropped ({again.reason})", again.corrections)
    return result


def _compare_parsed(answer: sympy.Basic, gold: sympy.Basic) -> Equivalence:
    if is_too_large(answer) or is_too_large(gold):
        return Equivalence(EquivalenceStatus.TOO_LARGE, f"a power or factorial beyond {MAX_EXPONENT:,} is too large to evaluate")
    if is_numeric_constant(answer) and is_numeric_constant(gold):
        outcome, how = compare_constants(answer, gold)
        if outcome != NumericResult.UNKNOWN:
            status = EquivalenceStatus.EQUIVALENT if outcome == NumericResult.EQUAL else EquivalenceStatus.NOT_EQUIVALENT
            return Equivalence(status, how, (Correction.EXACT_VALUE,))
    verdict = math_verify_verify([gold], [answer], timeout_seconds=None, allow_set_relation_comp=True)
    if not _is_plain_expression(answer, gold):
        status = EquivalenceStatus.EQUIVALENT if verdict else EquivalenceStatus.NOT_EQUIVALENT
        return Equivalence(status, f"math-verify: {'equal' if verdict else 'not equal'}")
    points = compare_at_random_points(answer, gold)
    if verdict and points == NumericResult.DIFFERENT:
        return Equivalence(EquivalenceStatus.NOT_EQUIVALENT, "differs at a random point", (Correction.RANDOM_POINTS,))
    if not verdict and points == NumericResult.EQUAL:
        return Equivalence(EquivalenceStatus.EQUIVALENT, "equal at random points", (Correction.RANDOM_POINTS,))
    status = EquivalenceStatus.EQUIVALENT if verdict else EquivalenceStatus.NOT_EQUIVALENT
    return Equivalence(status, f"math-verify: {'equal' if verdict else 'not equal'}")


def _is_plain_expression(*values: sympy.Basic) -> bool:
    """Scalar expressions with free symbols (not relations, sets, matrices)."""
    return all(isinstance(value, sympy.Expr) and value.free_symbols and not isinstance(value, sympy.MatrixBase) for value in values)


def _apply_form_rule(
    result: Equivalence, answer: tuple[str, sympy.Basic], gold: tuple[str, sympy.Basic], question: str
) -> Equivalence:
    """Equal values in another form are left to the judge when the question asks for a form."""
    if result.status != EquivalenceStatus.EQUIVALENT or not question:
        return result
    (answer_text, answer_value), (gold_text, gold_value) = answer, gold
    expression_form = EXPRESSION_FORM_WORDS.search(question)
    if expression_form and isinstance(gold_value, sympy.Expr) and gold_value.free_symbols and answer_value != gold_value:
        reason = f"equal in value, but the question asks to {expression_form.group(0).lower()}"
        return Equivalence(EquivalenceStatus.FORM_DIFFERS, reason, (*result.corrections, Correction.FORM_MATTERS))
    fraction_form = FRACTION_FORM_WORDS.search(question)
    if fraction_form and DECIMAL.search(answer_text) and not DECIMAL.search(gold_text):
        reason = f"a decimal where the question asks for {fraction_form.group(0).lower()}"
        return Equivalence(EquivalenceStatus.FORM_DIFFERS, reason, (*result.corrections, Correction.FORM_MATTERS))
    return result


@lru_cache(maxsize=256)
def parse_value(text: str) -> ParsedValue | None:
    """Parse one answer value: plain-text maths by whitelist, otherwise LaTeX through math-verify."""
    if "\\" not in text and "{" not in text and PLAIN_MATH.search(text):
        plain = _parse_plain(text)
        if plain is not None:
            return plain
    parsed = math_verify_parse(f"${text}$", extraction_config=LATEX_CONFIG, parsing_timeout=None)
    values = [item for item in parsed if isinstance(item, (sympy.Basic, sympy.MatrixBase))]
    matched = next((item for item in parsed if isinstance(item, str)), "")
    if values and _covers(matched, text):
        return ParsedValue(values[0], plain=False)
    if "\\" not in text:
        return _parse_plain(text)
    return None


def _parse_plain(text: str) -> ParsedValue | None:
    try:
        return ParsedValue(parse_plain_expression(text, answer_mode=True), plain=True)
    except (UnsafeExpression, ExpressionTooLarge):
        return None


def _covers(matched: str, text: str) -> bool:
    """False for a truncated parse: unbalanced braces or much shorter than the input."""
    if matched.count("{") != matched.count("}") or matched.rstrip().endswith(("{", "\\")):
        return False
    return len(compact(matched)) >= MIN_PARSE_COVERAGE * len(compact(text))


@dataclass(frozen=True)
class MathVerifyView:
    """What plain math-verify makes of a (gold, response) pair, as its README uses it."""

    equal: bool
    gold_parsed: bool
    answer_parsed: bool
    gold_extracted: str
    """The part of the gold math-verify read ("" if none)."""
    answer_extracted: str
    """The part of the response math-verify read as the answer ("" if none)."""

    @property
    def both_parsed(self) -> bool:
        return self.gold_parsed and self.answer_parsed


def math_verify_view(gold: str, response: str) -> MathVerifyView:
    """Plain math-verify 0.9 on the pair: `verify(parse(gold), parse(response))`, gold in `$…$` when bare.

    No signal timeouts (the caller bounds the call)."""
    wrapped = gold if ("$" in gold or "\\boxed" in gold) else f"${gold}$"
    try:
        gold_parsed = math_verify_parse(wrapped, extraction_config=DEFAULT_CONFIG, parsing_timeout=None)
        answer_parsed = math_verify_parse(response, extraction_config=DEFAULT_CONFIG, parsing_timeout=None)
        equal = bool(gold_parsed and answer_parsed and math_verify_verify(gold_parsed, answer_parsed, timeout_seconds=None))
    except Exception:  # math-verify failing on odd input counts as "not parsed"
        return MathVerifyView(False, False, False, "", "")
    return MathVerifyView(equal, bool(gold_parsed), bool(answer_parsed), _extracted(gold_parsed), _extracted(answer_parsed))


def _extracted(parsed: list[object]) -> str:
    return next((item for item in parsed if isinstance(item, str)), "")


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Parse and compare once, so the parsers' one-time start-up (grammar loading) is not billed to a deadline."""
    equivalent("\\frac{1}{2}", "0.5")
    math_verify_view("1", "$1$")
