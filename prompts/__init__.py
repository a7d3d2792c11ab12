"""Prompt templates, one plain-text file per role, rendered strictly from named fields.

A template has `=== system ===` and `=== user ===` sections; `{{name}}` marks a field. A
missing or unused field is an error naming the template and the field.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

FIELD = re.compile(r"\{\{(\w+)\}\}")
SECTION = re.compile(r"^=== (system|user) ===\n", re.M)


class PromptError(Exception):
    """A template is missing, malformed, or was rendered with the wrong fields."""


@cache
def template(name: str) -> dict[str, str]:
    """The sections of `prompts/NAME.txt`."""
    try:
        text = resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptError(f"no prompt template prompts/{name}.txt") from None
    parts = SECTION.split(text)
    sections = {parts[i]: parts[i + 1].rstrip("\n") for i in range(1, len(parts) - 1, 2)}
    if "user" not in sections:
        raise PromptError(f"prompts/{name}.txt has no '=== user ===' section")
    return sections


def fields(name: str) -> set[str]:
    return {match for section in template(name).values() for match in FIELD.findall(section)}


def render(name: str, **values: str) -> list[dict[str, str]]:
    """Chat messages for a role; the values are inserted verbatim, never re-scanned."""
    wanted = fields(name)
    missing, unused = wanted - values.keys(), values.keys() - wanted
    if missing:
        raise PromptError(f"prompts/{name}.txt needs field(s) {', '.join(sorted(missing))}")
    if unused:
        raise PromptError(f"prompts/{name}.txt has no field(s) {', '.join(sorted(unused))}")
    return [
        {"role": role, "content": FIELD.sub(lambda m: str(values[m.group(1)]), body)}
        for role, body in template(name).items()
    ]
