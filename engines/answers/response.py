"""The part of a reasoner response that holds its final answer.

The reasoner ends every answer with a `## Lemmas` section of `\\boxed{Lemma ...}` boxes, and
may think first (`... </think>`). A "last box" reading would take `Lemma -1` for the answer, so
graders and rewards read only what stands after the thinking and before the lemma section (or
before the first lemma box, when the heading is missing).
"""

from __future__ import annotations

import re

_THINK_END = re.compile(r"</think>", re.IGNORECASE)
# The reasoner's closing section: `## Conjectures`, or `## Lemmas` in answers stored before it.
_LEMMA_HEADING = re.compile(r"^[ \t]*(?:#{1,6}[ \t]*)?\**[ \t]*(?:lemmas|conjectures)[ \t]*\**[ \t]*:?[ \t]*\**[ \t]*$",
                            re.I | re.M)
_LEMMA_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{\s*\**\s*Lemma\s*-?\d", re.I)


def answer_section(response: str) -> str:
    """The response after its reasoning (`</think>`) and before its conjectures (or older lemma) section."""
    parts = _THINK_END.split(response)
    text = parts[-1] if len(parts) > 1 else response
    cuts = [match.start() for match in (_LEMMA_HEADING.search(text), _LEMMA_BOX.search(text)) if match]
    return text[: min(cuts)] if cuts else text
