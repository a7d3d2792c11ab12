"""A stored problem's identity: its dataset id, qualified by a content hash when that id is taken;
and the file names derived from such ids, kept inside their folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

_SAFE = re.compile(r"[^A-Za-z0-9._-]")
MAX_NAME_CHARS = 150
SEPARATOR = "~"
"""Between a dataset id and the content hash of a second problem that carries the same id."""


def content_hash(text: str, answer: str | None, kind: str | None) -> str:
    """Hash of what makes two problems the same problem: text, gold answer and kind."""
    payload = "\x1f".join([text or "", answer if answer is not None else "\x00", str(kind or "answer")])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def qualified_id(problem_id: str, digest: str) -> str:
    """The id under which a problem is stored when `problem_id` already names another problem."""
    return f"{problem_id}{SEPARATOR}{digest[:10]}"


def file_name(*parts: object, suffix: str) -> str:
    """A file name built from data (run and problem ids): letters, digits, '.', '_', '-' only,
    so an id like 'x/../../outside' can neither leave its folder nor hide a path in the name."""
    stem = "-".join(_SAFE.sub("_", str(part)) for part in parts).strip(".") or "unnamed"
    return stem[:MAX_NAME_CHARS] + suffix


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refusing any name that would resolve outside `folder`."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise ValueError(f"file name {name!r} leaves {folder}")
    return path
