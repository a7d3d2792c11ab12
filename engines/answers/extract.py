"""Finds the final answer in a model response: boxed, "final answer is", "answer:", last math, last number.

Pure string work in linear time, so it runs in the caller's process on any input size. Only
the tail of a very long response is searched (answers come last), and the extracted answer
is capped in length; everything symbolic happens later, in a worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_SEARCHED_CHARS = 20_000
"""Only this many trailing characters of a response are searched for the final answer."""
MAX_ANSWER_CHARS = 1_000
"""Longer extracted answers are kept but flagged as too long for rule-based checking."""
MAX_MATH_SPAN_CHARS = 1_000
"""Math spans longer than this are not answers; the bound keeps the search linear."""
WHOLE_RESPONSE_MAX_WORDS = 5
"""A response this short with no other anchor is taken as the answer itself."""
_BOX_START = re.compile(r"\\(?:boxed|fbox)(?:\s*(\{)|\s+([^\s${}]+))")
THINK_END = re.compile(r"</think>", re.IGNORECASE)


class ExtractionMethod(StrEnum):
    """Where in the response the final answer was found."""

    BOXED = "boxed"
    FINAL_ANSWER_PHRASE = "final_answer_phrase"
    ANSWER_PHRASE = "answer_phrase"
    LAST_MATH = "last_math"
    LAST_NUMBER = "last_number"
    WHOLE_RESPONSE = "whole_response"
    NONE = "none"


@dataclass(frozen=True)
class Extraction:
    """A final answer found in a response."""

    text: str
    """The answer as written (LaTeX or plain text), without `\\boxed{}` or `$`."""
    method: ExtractionMethod
    """Which rule found it."""
    too_long: bool = False
    """True when the answer exceeds MAX_ANSWER_CHARS (rules will not try it)."""


_FINAL_PHRASE = re.compile(
    r"(?:final\s+answer\s*(?:is|:|=)|the\s+answer\s+is|answer\s*:|答案\s*[:：是]?)\s*",
    re.IGNORECASE,
)
_MATH_SPANS = re.compile(
    r"(?<!\\)\$\$(.{1,%(n)d}?)(?<!\\)\$\$|\\\[(.{1,%(n)d}?)\\\]|\\\((.{1,%(n)d}?)\\\)|(?<!\\)\$((?:\\\$|[^$\n]){1,%(n)d}?)(?<!\\)\$"
    % {"n": MAX_MATH_SPAN_CHARS},
    re.DOTALL,
)
"""Display and inline maths; `\\$` is an escaped dollar (currency), not a delimiter."""
_COUNTED = re.compile(r"^\**(-?\d[\d,]*(?:\.\d+)?)\**\s+[A-Za-z]+(?:\s+[A-Za-z]+)?\s*\.?\s*$")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")


def extract_final_answer(response: str) -> Extraction:
    """Return the final answer of `response`, or an Extraction with method NONE and empty text."""
    text = _visible_part(response)
    for finder in (_boxed, _after_final_phrase, _last_math_span, _last_number):
        found = finder(text)
        if found is not None:
            answer, method = found
            answer = _clean(answer)
            if answer:
                return Extraction(answer, method, too_long=len(answer) > MAX_ANSWER_CHARS)
    short = _clean(text)
    if short and len(short) <= 80 and len(short.split()) <= WHOLE_RESPONSE_MAX_WORDS:
        return Extraction(short, ExtractionMethod.WHOLE_RESPONSE)
    return Extraction("", ExtractionMethod.NONE)


def boxed_contents(text: str) -> list[str]:
    """Contents of every `\\boxed{...}` / `\\fbox{...}` in order, with balanced braces."""
    closing = _brace_pairs(text)
    found: list[str] = []
    for match in _BOX_START.finditer(text):
        if match.group(2) is not None:  # `\boxed 5`: a single-token argument
            found.append(match.group(2))
            continue
        opening = match.end() - 1
        if opening in closing:
            found.append(text[opening + 1 : closing[opening]])
    return found


def _brace_pairs(text: str) -> dict[int, int]:
    """Index of each `{` mapped to its matching `}`, in one pass (escaped braces skipped)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, char in enumerate(text):
        if char in "{}" and index and text[index - 1] == "\\":
            continue
        if char == "{":
            stack.append(index)
        elif char == "}" and stack:
            pairs[stack.pop()] = index
    return pairs


def _visible_part(response: str) -> str:
    """Drop reasoning inside <think>…</think> (answers follow it) and keep the searched tail."""
    parts = THINK_END.split(response)
    text = parts[-1] if len(parts) > 1 and parts[-1].strip() else response
    return text[-MAX_SEARCHED_CHARS:]


def _boxed(text: str) -> tuple[str, ExtractionMethod] | None:
    boxes = boxed_contents(text)
    if not boxes:
        return None
    # Several distinct boxes in the closing paragraph form one list answer ("\boxed{3} or
    # \boxed{4}"): keeping them together stops a list from passing because one element matches.
    last_paragraph = re.split(r"\n\s*\n", text.rstrip())[-1]
    closing = [box for box in boxed_contents(last_paragraph) if box.strip()]
    distinct = list(dict.fromkeys(box.strip() for box in closing))
    if len(distinct) > 1:
        return ", ".join(distinct), ExtractionMethod.BOXED
    return boxes[-1], ExtractionMethod.BOXED


def _after_final_phrase(text: str) -> tuple[str, ExtractionMethod] | None:
    matches = list(_FINAL_PHRASE.finditer(text))
    if not matches:
        return None
    match = matches[-1]
    rest = text[match.end():].strip()
    method = ExtractionMethod.FINAL_ANSWER_PHRASE if "final" in match.group(0).lower() else ExtractionMethod.ANSWER_PHRASE
    math = _MATH_SPANS.match(rest)
    if math:
        return next(group for group in math.groups() if group is not None), method
    line = rest.split("\n", 1)[0]
    counted = _COUNTED.match(line)
    if counted:  # "3 apples", "12 cm": the number is the answer, the words its unit
        return counted.group(1), method
    line = re.split(r"(?<!\d)\.(?:\s|$)|\s+(?:I hope|because|since|which)\b", line, maxsplit=1)[0]
    return (line, method) if line.strip() else None


def _last_math_span(text: str) -> tuple[str, ExtractionMethod] | None:
    spans = list(_MATH_SPANS.finditer(text))
    if not spans:
        return None
    last = spans[-1]
    return next(group for group in last.groups() if group is not None), ExtractionMethod.LAST_MATH


def _last_number(text: str) -> tuple[str, ExtractionMethod] | None:
    numbers = _NUMBER.findall(text)
    return (numbers[-1], ExtractionMethod.LAST_NUMBER) if numbers else None


def _clean(answer: str) -> str:
    answer = answer.strip()
    answer = re.sub(r"^\$+|\$+$", "", answer).strip()
    answer = re.sub(r"^\*\*|\*\*$", "", answer).strip()
    answer = re.sub(r"^\\\(|\\\)$", "", answer).strip()
    answer = re.sub(r"^\\\[|\\\]$", "", answer).strip()
    return re.sub(r"\.+$", "", answer).strip()  # sentence full stop
