"""A fresh run store per test, and a shorthand for model drafts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lemmata.memory import LemmaDraft, RunStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    opened = RunStore(tmp_path / "memory.db")
    yield opened
    opened.close()


def draft(number: str, statement: str, *cited: str, steps: int = 2, proven: bool = True) -> LemmaDraft:
    """A model draft whose first step cites `cited`."""
    step_texts = [f"Step text {number}.{index}" for index in range(1, steps + 1)]
    citations = [list(cited)] + [[] for _ in step_texts[1:]]
    return LemmaDraft(number=number, statement=statement, steps=step_texts, step_citations=citations, proven=proven)
