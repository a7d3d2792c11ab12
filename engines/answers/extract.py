"""Finds the final answer in a model response: boxed, "final answer is", "answer:", a bare answer, last math.

Pure string work in linear time, so it runs in the caller's process on any input size. Only
the tail of a very long response is searched (answers come last), and the extracted answer
is capped in length. A response with none of these anchors is left to math-verify's own
extraction (method NONE here); a "last number" is never guessed (`10/9` is not `9`).
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
BARE_ANSWER_MAX_CHARS = 300
"""A response this short, with no prose and no anchor, is an answer by itself (`10/9`, `x^2+1`)."""
BARE_ANSWER_MAX_WORDS = 2
"""Prose words (3+ letters, outside LaTeX commands) a bare answer may hold (`28 percent`)."""
_BOX_START = re.compile(r"\\(?:boxed|fbox)(?:\s*(\{)|\s+([^\s${}]+))")
THINK_END = re.compile(r"</think>", re.IGNORECASE)


class ExtractionMethod(StrEnum):
    """Where in the response the final answer was found."""

    BOXED = "boxed"
    FINAL_ANSWER_PHRASE = "final_answer_phrase"
    ANSWER_PHRASE = "answer_phrase"
    LAST_MATH = "last_math"
    LAST_NUMBER = "last_number"
    """No longer produced (kept so stored grades still load)."""
    WHOLE_RESPONSE = "whole_response"
    MATH_VERIFY = "math_verify"
    """No anchor of ours: math-verify's own extraction found it."""
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
    corrections: tuple[str, ...] = ()
    """Names of the extraction corrections that applied (several_boxes, answer_phrase, chat_residue, bare_answer,
    alternatives, attained_clause)."""


_FINAL_PHRASE = re.compile(
    r"(?:final\s+answer\s*(?:is|:|=)|the\s+answer\s+is|answer\s*:|答案\s*(?:是|为|[:：])?|答え\s*(?:は|[:：])?"
    r"|r[ée]ponse\s*(?:finale\s*)?(?:est|:)|antwort\s*(?:lautet|ist|:)|respuesta\s*(?:final\s*)?(?:es|:)"
    r"|risposta\s*(?:finale\s*)?(?:è|:)|resposta\s*(?:final\s*)?(?:é|:)|ответ\s*(?::|—|-)?|javob\s*:|cevap\s*:)\s*",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(r"^(?:[^=\n]{0,60}?\s)?(?:is|are|equals|was|be|ist|est|es|是|为)\s+(?=\S)", re.IGNORECASE)
"""`The largest $n$ is 34`: words naming the answer before its value."""
_FULL_STOP = re.compile(r"\.(?=\s|$)|。|\n")
"""The end of a sentence by punctuation or line break alone."""
_ATTAINED = re.compile(r"[,;]?\s*(?:and\s+(?:it\s+|this\s+)?is\s+|which\s+is\s+|is\s+|was\s+)?\b(?:attained|achieved|obtained|reached|realised|realized)\b",
                       re.IGNORECASE)
"""`$11$, achieved at $x=3$`: the clause after an extreme value says where it is reached, not what it is."""
_SENTENCE_END = re.compile(_FULL_STOP.pattern + r"|\s+(?:I hope|because|since|which|Check|Verification)\b|" + _ATTAINED.pattern,
                           re.IGNORECASE)
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
    text, residue = drop_chat_residue(_visible_part(clean_text(response)))
    notes = ("chat_residue",) if residue else ()
    for finder in (_boxed, _after_final_phrase, _bare_answer, _last_math_span):
        found = finder(text)
        if found is not None:
            answer, method, more = found
            answer = _clean(answer)
            if answer:
                return Extraction(answer, method, too_long=len(answer) > MAX_ANSWER_CHARS, corrections=notes + more)
    return Extraction("", ExtractionMethod.NONE, corrections=notes)


def answer_sentence(response: str) -> str:
    """The response as one answer sentence, without an answer phrase, `$`, a box or the full stop:
    what to compare whole with a gold answer written in words (`odd $n$`, `all multiples of 14`)."""
    text = drop_chat_residue(_visible_part(clean_text(response)))[0].strip()
    phrase = _FINAL_PHRASE.match(text) or re.match(r"^(?:so|thus|hence|therefore)[, ]+", text, re.IGNORECASE)
    if phrase:
        text = text[phrase.end():]
    boxes = boxed_contents(text)
    if len(boxes) == 1 and text.replace(" ", "").startswith(("\\boxed", "$\\boxed")):
        text = boxes[0]
    return re.sub(r"[.\s]+$", "", text.replace("$", "")).strip()


def clean_text(text: str) -> str:
    """`text` without NUL and other control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", text)


def drop_chat_residue(text: str) -> tuple[str, bool]:
    """Cut a response at the first chat-template token after its content (`<|im_end|>`, `<|im_start|>user`…)."""
    from lemmata.engines.answers.corrections import CHAT_TOKENS

    for match in CHAT_TOKENS.finditer(text):
        before = re.sub(r"^\s*(?:assistant|user|system)?\s*", "", text[: match.start()])
        if before.strip():
            return text[: match.start()], True
    cut = CHAT_TOKENS.sub("", text)
    return cut, cut != text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def _boxed(text: str) -> tuple[str, ExtractionMethod, tuple[str, ...]] | None:
    boxes = boxed_contents(text)
    if not boxes:
        return None
    # Several distinct boxes in the closing paragraph form one list answer ("\boxed{3} or
    # \boxed{4}"): keeping them together stops a list from passing because one element matches.
    last_paragraph = re.split(r"\n\s*\n", text.rstrip())[-1]
    closing = [box for box in boxed_contents(last_paragraph) if box.strip()]
    distinct = list(dict.fromkeys(box.strip() for box in closing))
    if len(distinct) > 1:
        return ", ".join(distinct), ExtractionMethod.BOXED, ("several_boxes",)
    return boxes[-1], ExtractionMethod.BOXED, ()


def _after_final_phrase(text: str) -> tuple[str, ExtractionMethod, tuple[str, ...]] | None:
    matches = list(_FINAL_PHRASE.finditer(text))
    if not matches:
        return None
    match = matches[-1]
    rest = text[match.end():].strip()
    method = ExtractionMethod.FINAL_ANSWER_PHRASE if "final" in match.group(0).lower() else ExtractionMethod.ANSWER_PHRASE
    math = _MATH_SPANS.match(rest)
    if math and not rest[math.end():].strip(" .,;!\n"):
        return next(group for group in math.groups() if group is not None), method, ()
    sentence = _sentence(rest)
    named = _LEAD_IN.sub("", sentence, count=1)
    trimmed = sentence != rest.strip() or named != sentence
    answer = _without_dollars(named)
    return (answer, method, ("answer_phrase",) if trimmed else ()) if answer.strip() else None


def _sentence(text: str) -> str:
    """The first sentence of `text`, with its maths spans kept whole."""
    end, position = len(text), 0
    for span in _MATH_SPANS.finditer(text):
        stop = _SENTENCE_END.search(text, position, span.start())
        if stop:
            return text[: stop.start()]
        position = span.end()
    stop = _SENTENCE_END.search(text, position)
    return text[: stop.start() if stop else end]


def _without_dollars(text: str) -> str:
    """`$x=3$ or $x=4$` → `x=3 or x=4`: inline maths delimiters inside one answer sentence dropped."""
    return re.sub(r"(?<!\\)\$+|\\[()\[\]]", "", text).strip()


def _bare_answer(text: str) -> tuple[str, ExtractionMethod, tuple[str, ...]] | None:
    """A short response with no prose (`10/9`, `x^2+2x+1`, `28 percent`) is its own answer."""
    stripped = text.strip()
    if not stripped or len(stripped) > BARE_ANSWER_MAX_CHARS:
        return None
    if _MATH_SPANS.search(stripped):
        return None  # maths inside prose: the last maths (with its alternatives) is the answer
    prose = re.sub(r"\\[A-Za-z]+|\\text\w*\s*\{[^{}]*\}|\\begin\{\w+\}|\\end\{\w+\}", " ", stripped)
    words = [w for w in re.findall(r"[^\W\d_]{3,}", prose) if w.lower() not in _MATH_NAMES]
    if len(words) > BARE_ANSWER_MAX_WORDS or re.search(r"(?<![\d})\\])[.!?:](?:\s|$)", prose.rstrip(".")):
        return None
    return _without_dollars(stripped), ExtractionMethod.WHOLE_RESPONSE, ("bare_answer",)


_MATH_NAMES = frozenset("sqrt exp log sin cos tan pi and frac dfrac cdot infty".split())


def _last_math_span(text: str) -> tuple[str, ExtractionMethod, tuple[str, ...]] | None:
    text, cut = _before_attainment_clause(text)
    spans = list(_MATH_SPANS.finditer(text))
    if not spans:
        return None
    chosen = [spans[-1]]
    while len(chosen) < len(spans) and _CONNECTOR.fullmatch(text[spans[-len(chosen) - 1].end() : chosen[0].start()]):
        chosen.insert(0, spans[-len(chosen) - 1])
    parts = [next(group for group in span.groups() if group is not None) for span in chosen]
    joined = "".join(part + (text[span.end() : after.start()] if after else "") for part, span, after in zip(parts, chosen, [*chosen[1:], None]))
    corrections = (("alternatives",) if len(parts) > 1 else ()) + (("attained_clause",) if cut else ())
    return _without_dollars(joined), ExtractionMethod.LAST_MATH, corrections


def _before_attainment_clause(text: str) -> tuple[str, bool]:
    """`The minimum is $11$, achieved at $x=3$.` -> the text up to `$11$`, and whether it was cut:
    a clause naming where an extreme value is reached directly follows the value, and the last
    maths of the response is in that clause (the same sentence)."""
    spans = list(_MATH_SPANS.finditer(text))
    for clause in reversed(list(_ATTAINED.finditer(text))):
        before = [span for span in spans if span.end() <= clause.start()]
        after = [span for span in spans if span.start() >= clause.end()]
        if not before or not after:
            continue
        if before[-1].end() == clause.start() and not _FULL_STOP.search(text, clause.end(), after[-1].start()):
            return text[: before[-1].end()], True
        break
    return text, False


_CONNECTOR = re.compile(r"\s*(?:,|;|or|and|,\s*or|,\s*and|\\text\{\s*(?:or|and)\s*\})\s*", re.IGNORECASE)


def _clean(answer: str) -> str:
    answer = answer.strip()
    answer = re.sub(r"^\$+|\$+$", "", answer).strip()
    answer = re.sub(r"^\*\*|\*\*$", "", answer).strip()
    answer = re.sub(r"^\\\(|\\\)$", "", answer).strip()
    answer = re.sub(r"^\\\[|\\\]$", "", answer).strip()
    return re.sub(r"\.+$", "", answer).strip()  # sentence full stop
