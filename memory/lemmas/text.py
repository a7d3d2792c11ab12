"""The text of lemmas: the normal form that identifies a statement, and the prompt rendering."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lemmata.memory.lemmas.format import format_lemma
from lemmata.memory.lemmas.records import LemmaOrigin, LemmaStatus

CHARS_PER_TOKEN = 4
"""Cheap token estimate: about four characters per token for English and TeX (tokenizer-free)."""

DEFAULT_LIBRARY_BUDGET_TOKENS = 16_000
"""Prompt budget of the library view; the loop passes `config.loop.library_budget_tokens`."""

EMPTY_LIBRARY_TEXT = "(no lemmas yet)"
NO_CITED_LEMMAS_TEXT = "(the solution cites no lemma of the library)"
PROOF_LEFT_OUT = "(proof left out to fit the budget)"

# Spacing commands that change nothing but the look of the formula.
_TEX_SPACING = re.compile(r"\\(?:[,;:! ]|(?:q?quad|thinspace|medspace|thickspace|enspace)(?![a-zA-Z]))|~")
# Notation with identical meaning, rewritten to one spelling (longest spellings first).
_TEX_SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"\\[dt]frac(?![a-zA-Z])", r"\\frac"),
    (r"\\left\s*([(\[|.])", r"\1"),
    (r"\\left\s*\\\{", r"\\{"),
    (r"\\right\s*([)\]|.])", r"\1"),
    (r"\\right\s*\\\}", r"\\}"),
    (r"\\(?:displaystyle|textstyle)(?![a-zA-Z])", ""),
    (r"\\leqslant(?![a-zA-Z])|\\le(?![a-zA-Z])", r"\\leq"),
    (r"\\geqslant(?![a-zA-Z])|\\ge(?![a-zA-Z])", r"\\geq"),
    (r"\\ne(?![a-zA-Z])", r"\\neq"),
    (r"\\to(?![a-zA-Z])", r"\\rightarrow"),
    (r"\\lvert(?![a-zA-Z])|\\rvert(?![a-zA-Z])", "|"),
    (r"\\mid(?![a-zA-Z])", "|"),
    (r"\\colon(?![a-zA-Z])", ":"),
    (r"\\text(?:rm|bf|it)?\s*\{([^{}]*)\}", r"\1"),
    (r"\\mathrm\s*\{([^{}]*)\}", r"\1"),
    (r"\*\*|__", ""),  # markdown bold around a statement
)
# Braces around one character do nothing: x^{2} = x^2.
_SINGLE_BRACED = re.compile(r"([_^])\{(\w)\}")
# Math delimiters: $..$, $$..$$, \(..\), \[..\].
_MATH_DELIMITERS = re.compile(r"\$\$?|\\[()\[\]]")
_WHITESPACE = re.compile(r"\s+")
# TeX ignores a space after a control word; before a letter it is needed ("\alpha b").
_SPACE_AFTER_CONTROL_WORD = re.compile(r"(\\[a-zA-Z]+) (?=[^a-zA-Z])")
# A space matters only between two word characters ("n is", "\alpha b").
_SPACE_NEAR_SYMBOL = re.compile(r"(?<=[^\w\s]) | (?=[^\w\s])")
_LEADING_LABEL = re.compile(r"^(?:lemma\s*[\w-]*\s*(?:\([^)]*\))?\s*[:.]\s*)", re.IGNORECASE)


def normalize_statement(statement: str) -> str:
    """The form under which two statements count as the same lemma.

    Whitespace, TeX spacing, math delimiters, \\left/\\right, frac variants, single-character
    braces, a leading "Lemma 3:" label and trailing punctuation are ignored; letters keep their
    case because in mathematics `A` and `a` differ.
    """
    text = _LEADING_LABEL.sub("", statement.strip())
    text = _TEX_SPACING.sub(" ", text)
    for pattern, replacement in _TEX_SYNONYMS:
        text = re.sub(pattern, replacement, text)
    text = _SINGLE_BRACED.sub(r"\1\2", text)
    text = _MATH_DELIMITERS.sub(" ", text)
    text = _WHITESPACE.sub(" ", text).strip()
    text = _SPACE_AFTER_CONTROL_WORD.sub(r"\1", text)
    text = _SPACE_NEAR_SYMBOL.sub("", text)
    return text.rstrip(".;, ")


def statement_hash(statement: str) -> str:
    """Content hash of the normalised statement: the lemma's identity within a problem."""
    return hashlib.sha256(normalize_statement(statement).encode("utf-8")).hexdigest()[:32]


_LEMMA_REFERENCE = re.compile(r"(?<=\bLemma )(\d+(?:-fixed)?)\b", re.IGNORECASE)


def lemma_references(text: str) -> set[str]:
    """The lemma numbers `text` refers to as "Lemma N"."""
    return set(_LEMMA_REFERENCE.findall(text))


def renumber(text: str, renumbering: dict[str, str]) -> str:
    """Rewrite "Lemma N" references by `renumbering` (number -> replacement); others stay."""
    if not renumbering:
        return text
    return _LEMMA_REFERENCE.sub(lambda match: renumbering.get(match.group(1), match.group(1)), text)


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class RenderedLemma:
    """What the budgeted view needs to know of one library entry."""

    number: str
    statement: str
    steps: Sequence[str]
    confidence: float | None
    passes: int
    votes: int
    proven: bool
    origin: LemmaOrigin
    status: LemmaStatus
    cited_by: int
    """How many lemmas of the same library cite this one."""


def lemma_block(lemma: RenderedLemma) -> str:
    """One lemma as the reasoner reads it: the lemma form with its score in the header."""
    notes = []
    if lemma.status is LemmaStatus.PINNED:
        notes.append("pinned by the user")
    if lemma.origin is LemmaOrigin.USER:
        notes.append("added by the user")
    elif lemma.origin is LemmaOrigin.IMPORTED:
        notes.append("imported from another problem")
    if not lemma.proven:
        notes.append("unproven")
    if lemma.confidence is None:
        notes.append("not yet verified")
    else:
        notes.append(f"confidence {lemma.confidence:.2f}, {lemma.passes}/{lemma.votes} verifier votes")
    return format_lemma(lemma.number, lemma.statement, lemma.steps, ", ".join(notes))


def render_library(lemmas: Sequence[RenderedLemma], budget_tokens: int | None = DEFAULT_LIBRARY_BUDGET_TOKENS) -> str:
    """The library in append order; over budget, the most useful lemmas and a count of the rest.

    `lemmas` are in append order and already exclude rejected ones. Pinned lemmas are always
    kept; the others are ranked by confidence, then by how often they are cited, then by
    recency, and taken greedily while they fit. The choice depends only on the lemmas, so the
    same library always renders to the same bytes.
    """
    if not lemmas:
        return EMPTY_LIBRARY_TEXT
    blocks = [lemma_block(lemma) for lemma in lemmas]
    text = "\n\n".join(blocks)
    if budget_tokens is None or estimate_tokens(text) <= budget_tokens:
        return text
    kept = _most_useful(lemmas, blocks, budget_tokens)
    # The note's room was reserved for one range of numbers; a gappy set may need a little more,
    # so the least useful kept lemmas go until the whole text fits.
    droppable = sorted((i for i in kept if lemmas[i].status is not LemmaStatus.PINNED),
                       key=lambda i: _usefulness(lemmas, i))
    while True:
        left_out = [lemma.number for index, lemma in enumerate(lemmas) if index not in kept]
        text = "\n\n".join([*(blocks[index] for index in sorted(kept)), _left_out_note(left_out)])
        if estimate_tokens(text) <= budget_tokens or not droppable:
            return text
        kept.discard(droppable.pop(0))


def render_cited(lemmas: Sequence[RenderedLemma], budget_tokens: int | None = DEFAULT_LIBRARY_BUDGET_TOKENS) -> str:
    """Lemmas a solution relies on, for its verifier and reviser: every statement with its score,
    proofs while the budget allows.

    Over budget, proofs go first: the most useful lemmas (the library view's ranking) keep theirs.
    Only if the statements alone do not fit are whole lemmas left out, as in `render_library`.
    """
    if not lemmas:
        return NO_CITED_LEMMAS_TEXT
    full = [lemma_block(lemma) for lemma in lemmas]
    if budget_tokens is None or estimate_tokens("\n\n".join(full)) <= budget_tokens:
        return "\n\n".join(full)
    bare = [replace(lemma, steps=()) for lemma in lemmas]
    blocks = [lemma_block(short) + ("\n" + PROOF_LEFT_OUT if lemma.steps else "") for short, lemma in zip(bare, lemmas)]
    room = budget_tokens * CHARS_PER_TOKEN - len("\n\n".join(blocks))
    if room < 0:  # not even every statement fits: the library view's choice among them
        note = "(proofs left out to fit the budget)"
        return render_library(bare, max(budget_tokens - estimate_tokens(note) - 1, 1)) + "\n\n" + note
    for index in sorted(range(len(lemmas)), key=lambda i: _usefulness(lemmas, i), reverse=True):
        extra = len(full[index]) - len(blocks[index])
        if extra <= room:
            blocks[index], room = full[index], room - extra
    return "\n\n".join(blocks)


def _usefulness(lemmas: Sequence[RenderedLemma], index: int) -> tuple:
    """Pinned first, then confidence, then how often cited, then recency."""
    lemma = lemmas[index]
    confidence = -1.0 if lemma.confidence is None else lemma.confidence
    return (lemma.status is LemmaStatus.PINNED, confidence, lemma.cited_by, index)


def _most_useful(lemmas: Sequence[RenderedLemma], blocks: Sequence[str], budget_tokens: int) -> set[int]:
    # Reserve room for the note, assuming the worst case where every lemma is left out.
    room = budget_tokens * CHARS_PER_TOKEN - len(_left_out_note([lemma.number for lemma in lemmas])) - 2
    kept = {index for index, lemma in enumerate(lemmas) if lemma.status is LemmaStatus.PINNED}
    room -= sum(len(blocks[index]) + 2 for index in kept)

    for index in sorted(set(range(len(lemmas))) - kept, key=lambda i: _usefulness(lemmas, i), reverse=True):
        cost = len(blocks[index]) + 2
        if cost <= room:
            kept.add(index)
            room -= cost
    return kept


MAX_LISTED_LEFT_OUT = 200
"""Beyond this many left-out lemmas the note writes runs of numbers as ranges (`12-9000`)."""
MAX_LEFT_OUT_NOTE_CHARS = 2_000
"""Past MAX_LISTED_LEFT_OUT the list in the note is cut here, so a huge library does not spend the budget on the note."""


def _left_out_note(numbers: Sequence[str]) -> str:
    if len(numbers) == 1:
        return f"(1 more lemma was left out to fit the budget: Lemma {numbers[0]}.)"
    listed = ", ".join(numbers)
    if len(numbers) > MAX_LISTED_LEFT_OUT:
        listed = _as_ranges(numbers)
        if len(listed) > MAX_LEFT_OUT_NOTE_CHARS:
            listed = listed[:MAX_LEFT_OUT_NOTE_CHARS].rsplit(", ", 1)[0] + ", …"
    return f"({len(numbers)} more lemmas were left out to fit the budget: {listed}.)"


def _as_ranges(numbers: Sequence[str]) -> str:
    """`1, 2, 3, 5, 7-fixed` → `1-3, 5, 7-fixed` (runs of consecutive integers, in the given order)."""
    parts: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if number is not None and _integer(number) and previous is not None and int(number) == previous + 1:
            previous = int(number)
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = previous = None
        if number is None:
            break
        if _integer(number):
            start = previous = int(number)
        else:
            parts.append(number)
    return ", ".join(parts)


def _integer(number: str) -> bool:
    return number.isascii() and number.isdigit()
