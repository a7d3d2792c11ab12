"""A stored problem's identity: its dataset id, qualified by a content hash when that id is taken."""

from __future__ import annotations

import hashlib

SEPARATOR = "~"
"""Between a dataset id and the content hash of a second problem that carries the same id."""


def content_hash(text: str, answer: str | None, kind: str | None) -> str:
    """Hash of what makes two problems the same problem: text, gold answer and kind."""
    payload = "\x1f".join([text or "", answer if answer is not None else "\x00", str(kind or "answer")])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def qualified_id(problem_id: str, digest: str) -> str:
    """The id under which a problem is stored when `problem_id` already names another problem."""
    return f"{problem_id}{SEPARATOR}{digest[:10]}"
