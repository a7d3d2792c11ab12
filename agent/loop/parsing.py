"""Reading untrusted model text: balanced `\\boxed{}` contents, found by scanning, never evaluated."""

from __future__ import annotations

import re

BOX_COMMAND = re.compile(r"\\(?:boxed|box|fbox)\s*\{")
BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.S)
MAX_BOX_CHARS = 200_000


def boxed_contents(text: str) -> list[str]:
    """The contents of every balanced `\\boxed{...}` (or `\\box{...}`) in order; unbalanced ones are skipped.

    One pass over the text with a stack of open braces (an escaped brace does not count), so
    the time is linear in the text even when it holds thousands of unclosed boxes.
    """
    box_starts = {match.end() for match in BOX_COMMAND.finditer(text)}
    if not box_starts:
        return []
    found: list[tuple[int, str]] = []
    open_braces: list[int] = []
    for token in BRACE_OR_ESCAPE.finditer(text):
        char = token.group()
        if char == "{":
            open_braces.append(token.end())
        elif char == "}" and open_braces:
            start = open_braces.pop()
            if start in box_starts and token.start() - start < MAX_BOX_CHARS:
                found.append((start, text[start:token.start()].strip()))
    return [content for _, content in sorted(found)]


def last_boxed(text: str) -> str | None:
    boxes = boxed_contents(text)
    return boxes[-1] if boxes else None
