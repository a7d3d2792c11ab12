"""Reading untrusted model text: balanced `\\boxed{}` contents, found by scanning, never evaluated."""

from __future__ import annotations

import re

BOX_COMMAND = re.compile(r"\\(?:boxed|box|fbox)\s*\{")
MAX_BOX_CHARS = 200_000


def boxed_contents(text: str) -> list[str]:
    """The contents of every balanced `\\boxed{...}` (or `\\box{...}`) in order; unbalanced ones are skipped."""
    found = []
    for match in BOX_COMMAND.finditer(text):
        content = _balanced(text, match.end())
        if content is not None:
            found.append(content.strip())
    return found


def last_boxed(text: str) -> str | None:
    boxes = boxed_contents(text)
    return boxes[-1] if boxes else None


def _balanced(text: str, start: int) -> str | None:
    depth = 1
    end = min(len(text), start + MAX_BOX_CHARS)
    index = start
    while index < end:
        char = text[index]
        if char == "\\":
            index += 2  # an escaped brace does not count
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start:index]
        index += 1
    return None
