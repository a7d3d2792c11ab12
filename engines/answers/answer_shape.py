"""Reads the shape of an answer string: normalised LaTeX, list items with their brackets, text or maths.

Pure string work: no sympy. Equivalence uses the shape to decide how to compare (ordered
tuple, unordered set, interval, single value, words, multiple-choice letter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class ListKind(StrEnum):
    """How the items of a list answer relate."""

    SINGLE = "single"
    TUPLE = "tuple"
    """`(a, b)`: order matters (also what an open interval looks like; compared the same way)."""
    SET = "set"
    """`\\{a, b\\}`: order does not matter, duplicates do not count."""
    BARE = "bare"
    """`a, b` or `a and b`: order matters only if the question asks for it."""
    INTERVAL = "interval"
    """`[a, b)`, `[a, b]`, `(a, b]`: compared whole by math-verify."""


@dataclass(frozen=True)
class AnswerShape:
    """A normalised answer split into the items it lists."""

    text: str
    """Normalised LaTeX of the whole answer."""
    kind: ListKind
    items: tuple[str, ...]
    """The listed items (one item for SINGLE and INTERVAL)."""


_SPACING = re.compile(r"(?<!\\)\\(?:[,;:> ]|q?quad\b)|~")
_UNITS = re.compile(r"(\S)\s*\\(?:text|textnormal|textrm|mbox|mathrm)\s*\{\s*[A-Za-z][A-Za-z .]*\}\s*$")
_UNIT_WORDS = re.compile(r"^(.*[\d}])\s+([a-z]{3,}(?:\s+[a-z]{3,})?)\.?$")
NOT_UNITS = frozenset("and or for all if where when with then but nor not only each".split())
"""Trailing words that are part of the answer's logic, not its unit."""
_ASSIGNED = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?\s*=\s*")
_ASSIGNED_NAMES = re.compile(r"^\(?\s*[A-Za-z](?:_\{?\w+\}?)?(?:\s*,\s*[A-Za-z](?:_\{?\w+\}?)?)*\s*\)?\s*=\s*(?=\S)")
"""`(p,q) = ` or `x = ` before a value: the names assigned, not part of the value."""
_THOUSANDS_MARKS = re.compile(r"(\d)(?:\{,\}|,\\!\s*|\\,|\\ )(?=\d{3}(?!\d))")
"""`1{,}000`, `11,\\! 111`, `1\\,000`: digit-group separators written in LaTeX."""
_GROUPED_NUMBER = re.compile(r"(?<![\d,.])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])")
_REPEATING = re.compile(r"(-?)(\d*)\.(\d*)\\overline\{(\d+)\}")
_WRAPPERS = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])")
_TEXT_COMMAND = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")
_DEGREES = re.compile(r"\^\s*\{?\\circ\}?|°")
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_CONJUNCTIONS = re.compile(r"\\text\{\s*,?\s*(?:and|or)\s*\}|\s+(?:and|or)\s+|;")
_CHOICE = re.compile(r"^(?:\(([A-Ea-e])\)|([A-E]))$")
_WORDS = re.compile(r"^[A-Za-z][A-Za-z \-'.]*$")
MATH_WORDS = frozenset(
    "sqrt exp log ln sin cos tan cot sec csc pi infty infinity frac dfrac cdot times arcsin "
    "arccos arctan sinh cosh tanh abs floor ceil".split()
)
OPENERS = {"(": ")", "[": "]", "\\{": "\\}", "\\langle": "\\rangle", "{": "}"}


def normalise_latex(text: str) -> str:
    """Strip markup that never changes the value: `$`, spacing, `\\left`, `\\dfrac`, degrees, `\\mathrm{e}`."""
    text = text.strip().strip("$").strip()
    text = _THOUSANDS_MARKS.sub(r"\1", text)
    text = text.replace("\\!", "").replace("{,}", ",").replace("\\$", "").replace("\\%", "%")
    text = re.sub(r"\s*\\?(?:percent|per cent)\b", "%", text)
    text = _SPACING.sub(" ", text)
    text = _WRAPPERS.sub("", text)
    text = re.sub(r"\\[dt]frac", r"\\frac", text)
    text = re.sub(r"\\(?:mathrm|text|operatorname)\s*\{\s*([ei])\s*\}", r"\1", text)
    text = _degrees(text)
    text = _without_units(text)
    text = _REPEATING.sub(_repeating_as_fraction, text)
    text = re.sub(r"\\displaystyle", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"[.\s]+$", "", text) if not text.endswith("\\ldots") else text
    if _THOUSANDS.match(text) or (text.count(",") == sum(m.group(0).count(",") for m in _GROUPED_NUMBER.finditer(text)) and "(" not in text and "\\{" not in text):
        text = _GROUPED_NUMBER.sub(lambda m: m.group(0).replace(",", ""), text)
    return text


def without_assigned_names(text: str) -> str:
    """`(p,q) = (3,2)` → `(3,2)`; text with a second `=` or an inequality is left alone."""
    value = _ASSIGNED_NAMES.sub("", text, count=1)
    return value if "=" not in value and not INEQUALITY_MARK.search(text) else text


INEQUALITY_MARK = re.compile(r"<|>|\\[lg]eq?\b|\\[lg]t\b|\\neq?\b")


def _without_units(text: str) -> str:
    """`\\frac13 \\text{meters}` → `\\frac13`; `125 miles` → `125` (a trailing unit word after a value)."""
    stripped = _UNITS.sub(r"\1", text)
    words = _UNIT_WORDS.match(stripped)
    if words and not set(words.group(2).split()) & NOT_UNITS:
        stripped = words.group(1)
    return stripped.strip() or text


def _repeating_as_fraction(match: re.Match[str]) -> str:
    """`0.1\\overline{6}` → `\\frac{1}{6}` (exact value of a repeating decimal)."""
    from fractions import Fraction

    sign, whole, fixed, period = match.groups()
    value = Fraction(int(whole or 0)) + Fraction(int(fixed or 0), 10 ** len(fixed))
    value += Fraction(int(period), (10 ** len(period) - 1) * 10 ** len(fixed))
    return f"{sign}\\frac{{{value.numerator}}}{{{value.denominator}}}"


def _degrees(text: str) -> str:
    """`30^\\circ` is 30 as an answer, but inside a trigonometric function it is 30·π/180."""
    if re.search(r"\\(?:sin|cos|tan|cot|sec|csc)", text):
        text = re.sub(r"(\d+(?:\.\d+)?)\s*(?:\^\s*\{?\\circ\}?|°)", r"(\\frac{\1\\pi}{180})", text)
    return _DEGREES.sub("", text)


def compact(text: str) -> str:
    """Normalised text without any whitespace: for identical-form checks."""
    return re.sub(r"\s+", "", normalise_latex(text))


def answer_shape(text: str) -> AnswerShape:
    """Normalise `text` and split it into the items it lists."""
    text = normalise_latex(text)
    body, opener, closer = _unwrap(text)
    items = tuple(item.strip() for item in _split_top_level(body) if item.strip())
    if opener is None:
        kind = ListKind.BARE if len(items) > 1 else ListKind.SINGLE
    elif opener == "\\{" or (opener == "{" and len(items) > 1):
        kind = ListKind.SET
    elif opener == "{":
        kind, text = ListKind.SINGLE, body
    elif opener in ("(", "\\langle") and closer in (")", "\\rangle"):
        kind = ListKind.TUPLE if len(items) > 1 else ListKind.SINGLE
    else:
        kind = ListKind.INTERVAL if len(items) == 2 else ListKind.TUPLE
    if kind in (ListKind.SINGLE, ListKind.INTERVAL):
        items = (text,)
    value = _ASSIGNED.sub("", text)
    if kind == ListKind.SINGLE and value.count("\\pm") == 1 and "=" not in value:
        # `1 \pm \sqrt{19}` names two values: compare it as the list of both
        plus, minus = value.replace("\\pm", "+"), value.replace("\\pm", "-")
        return AnswerShape(text, ListKind.BARE, (plus.lstrip("+ ").strip() or plus, minus))
    return AnswerShape(text, kind, items)


def choice_letter(text: str) -> str | None:
    """The multiple-choice letter `text` names (`(C)`, `\\text{C}`, `C`), else None."""
    match = _CHOICE.match(plain_words(text).strip())
    return (match.group(1) or match.group(2)).upper() if match else None


def plain_words(text: str) -> str:
    """Text with `\\text{}`-style wrappers removed, for word answers."""
    previous = None
    while previous != text:
        previous, text = text, _TEXT_COMMAND.sub(r"\1", text)
    return text.strip().strip("$").strip()


def is_word_answer(text: str) -> bool:
    """True for answers that are words (`Evelyn`, `\\text{odd}`), not mathematics."""
    words = plain_words(normalise_latex(text))
    if not _WORDS.match(words):
        return False
    tokens = re.findall(r"[A-Za-z]+", words)
    return any(len(token) >= 3 and token.lower() not in MATH_WORDS for token in tokens)


def word_key(text: str) -> str:
    """Comparison key of a word answer: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", plain_words(normalise_latex(text)).lower())


def _unwrap(text: str) -> tuple[str, str | None, str | None]:
    """Remove one pair of enclosing brackets when they enclose the whole answer."""
    for opener in OPENERS:
        if not text.startswith(opener):
            continue
        end = _matching_close(text, len(opener))
        if end is not None and end[1] == len(text):
            return text[len(opener) : end[0]], opener, text[end[0] : end[1]]
    return text, None, None


def _matching_close(text: str, start: int) -> tuple[int, int] | None:
    """Index span of the bracket closing the one opened just before `start`."""
    depth = 1
    index = start
    while index < len(text):
        for token in ("\\{", "\\}", "\\langle", "\\rangle"):
            if text.startswith(token, index):
                depth += 1 if token in ("\\{", "\\langle") else -1
                if depth == 0:
                    return index, index + len(token)
                index += len(token)
                break
        else:
            char = text[index]
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
                if depth == 0:
                    return index, index + 1
            index += 1
    return None


def _split_top_level(text: str) -> list[str]:
    """Split at commas, semicolons and `and`/`or` that sit outside every bracket."""
    text = _CONJUNCTIONS.sub(",", text)
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items
