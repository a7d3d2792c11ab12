"""The named corrections this project applies over plain math-verify, each with the failure it fixes.

`grade` starts from math-verify's verdict and departs from it only through one of these: each
has a name (recorded on the Grade), a reason (below) and a test (tests/answers/test_corrections.py
runs every `example` here through both checkers). `detect` names the documented failures
present in a (gold, response, extracted answer) triple, so a departure is always explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Correction(StrEnum):
    """A place where our grading deliberately departs from plain math-verify."""

    ORDERED_LIST = "ordered_list"
    LIST_LENGTH = "list_length"
    EXACT_VALUE = "exact_value"
    PLAIN_TEXT = "plain_text"
    RANDOM_POINTS = "random_points"
    FORM_MATTERS = "form_matters"
    SAME_TEXT = "same_text"
    BARE_ANSWER = "bare_answer"
    NUMBER_FORMAT = "number_format"
    UNITS_AND_WORDS = "units_and_words"
    ASSIGNMENT = "assignment"
    SEVERAL_BOXES = "several_boxes"
    PLUS_MINUS = "plus_minus"
    INTERVAL_RELATION = "interval_relation"
    ALTERNATIVES = "alternatives"
    ANSWER_PHRASE = "answer_phrase"
    CHAT_RESIDUE = "chat_residue"
    ANCHORED_ANSWER = "anchored_answer"
    PARTIAL_GOLD = "partial_gold"
    ATTAINED_CLAUSE = "attained_clause"


@dataclass(frozen=True)
class CorrectionRule:
    """Why a correction exists and one (gold, response) pair that shows it."""

    reason: str
    gold: str
    response: str
    correct: bool
    """The right verdict on the example."""


RULES: dict[Correction, CorrectionRule] = {
    Correction.ORDERED_LIST: CorrectionRule("an ordered answer keeps its order and multiplicity in every notation (tuples, `\\left(`, lists the question orders)", "(4, 9)", "$\\boxed{(9, 4)}$", False),
    Correction.LIST_LENGTH: CorrectionRule("a list of candidates is not the single gold value one of them matches", "7", "So $x$ is $\\boxed{7}$ or $\\boxed{8}$.", False),
    Correction.EXACT_VALUE: CorrectionRule("numbers are rounded before comparing, so tiny values collide", "\\frac{1}{3^{40}}", "\\boxed{\\frac{1}{3^{41}}}", False),
    Correction.PLAIN_TEXT: CorrectionRule("plain-text maths reads `pi` as p·i and `exp` as e·x·p", "\\frac{3\\pi}{4}", "3*pi/4", True),
    Correction.RANDOM_POINTS: CorrectionRule("symbolic simplification misses equal expressions", "\\frac{t^2-9}{t-3}", "\\boxed{t+3}", True),
    Correction.FORM_MATTERS: CorrectionRule("the question asks for a form (factor, common fraction); an equal value in another form is left to the judge", "", "", True),
    Correction.SAME_TEXT: CorrectionRule("identical after normalisation, though math-verify cannot parse it", "\\text{the empty set}", "\\boxed{\\text{the empty set}}", True),
    Correction.BARE_ANSWER: CorrectionRule("a response that is only an answer is read whole, not by its last number", "7 - 2i", "7 - 2i", True),
    Correction.NUMBER_FORMAT: CorrectionRule("digit-group marks and decimal commas split a number into a list", "23405", "\\boxed{23{,}405}", True),
    Correction.UNITS_AND_WORDS: CorrectionRule("a unit or `percent` after the value is not part of it", "\\frac{2}{5}", "\\boxed{\\frac{2}{5}\\text{ liters}}", True),
    Correction.ASSIGNMENT: CorrectionRule("`(a,b)=(5,1)` names the variables of the answer `(5,1)`", "(5,1)", "\\boxed{(a,b)=(5,1)}", True),
    Correction.SEVERAL_BOXES: CorrectionRule("an answer in several boxes is one list, not its last box", "6, -5", "The roots are $\\boxed{6}$ and $\\boxed{-5}$.", True),
    Correction.PLUS_MINUS: CorrectionRule("`\\pm a` names the two values -a and a", "\\{-13, 13\\}", "\\boxed{\\pm 13}", True),
    Correction.INTERVAL_RELATION: CorrectionRule("an inequality and the interval it describes are one answer", "(-\\infty, -1) \\cup (4, \\infty)", "\\boxed{t < -1 \\text{ or } t > 4}", True),
    Correction.ALTERNATIVES: CorrectionRule("`a or b` lists alternatives, all of which must match", "(2,9), (9,2)", "\\boxed{(9,2) \\text{ or } (2,9)}", True),
    Correction.ANSWER_PHRASE: CorrectionRule("the answer sentence ends at its full stop; a check after it is not the answer", "21", "The answer is 21. Check: 3*7=21 and 21-4=17.", True),
    Correction.CHAT_RESIDUE: CorrectionRule("text after a chat-template token is another turn, not the answer", "12", "So the total is $\\boxed{12}$.<|im_end|>\n<|im_start|>user\nNow find $5+8$.", True),
    Correction.ANCHORED_ANSWER: CorrectionRule("a boxed or announced answer outranks other maths in the response", "5", "Try $x=5$: it fails. \\boxed{6}", False),
    Correction.ATTAINED_CLAUSE: CorrectionRule("maths in a clause saying where an extreme value is reached (`achieved at $x=3$`) is not the answer", "11", "The minimum is $11$, achieved at $x=3$.", True),
    Correction.PARTIAL_GOLD: CorrectionRule("math-verify reads one symbol of a gold written in words (`n` of `odd $n$`)", "all odd $n$", "\\boxed{\\text{all even } n}", False),
}

CHAT_TOKENS = re.compile(r"<\|(?:im_start|im_end|endoftext|eot_id|start_header_id|end_header_id|user|assistant|system|end)\|>|</s>|<\|[a-z_]+\|>")
_DETECTORS: dict[Correction, re.Pattern[str]] = {
    Correction.NUMBER_FORMAT: re.compile(r"\d\{,\}\d|\d,\\!|\\\$|\d\\,\d|^\s*-?\d+,\d+\s*$|\d,\d{3}"),
    Correction.UNITS_AND_WORDS: re.compile(r"\\(?:text|textnormal|mbox|textrm)\s*\{|percent|%|\d\s+[a-z]{3,}"),
    Correction.ASSIGNMENT: re.compile(r"^[^=<>]{1,30}=[^=<>]+$"),
    Correction.PLUS_MINUS: re.compile(r"\\pm|\\mp|±"),
    Correction.INTERVAL_RELATION: re.compile(r"<|>|\\[lg]eq?\b|\\[lg]t\b|\\infty|\\cup|≤|≥"),
    Correction.ALTERNATIVES: re.compile(r"\bor\b"),
}


def detect(gold: str, answer: str) -> tuple[Correction, ...]:
    """The documented failures of math-verify whose marks appear in `gold` or `answer`."""
    return tuple(name for name, pattern in _DETECTORS.items() if pattern.search(gold) or pattern.search(answer))
