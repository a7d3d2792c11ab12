"""Normalise problem input once, at the entry: text, file or dataset row -> one `Problem`."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from lemmata.agent.errors import ProblemInputError

DATASET_SUFFIXES = {".jsonl"}
TEXT_SUFFIXES = {".md", ".tex", ".txt", ""}
# A clause list with an `=` before a `?` goal, as in the AlphaGeometry language.
GEOMETRY_STATEMENT = re.compile(r"^\s*[a-z][\w ]*=\s*[a-z_]+[^?]*\?\s*[a-z]+\s", re.S)


class ProblemKind(StrEnum):
    ANSWER = "answer"
    PROOF = "proof"
    GEOMETRY = "geometry"


@dataclass(frozen=True)
class Problem:
    id: str
    text: str
    answer: str | None = None
    kind: ProblemKind = ProblemKind.ANSWER
    source: str | None = None
    reference: str | None = None
    """A reference solution, for the proof grader only; never shown to the solver."""
    guidelines: str | None = None
    """Per-problem grading guidelines (marking scheme), for the proof grader only."""
    level: str | None = None
    """A difficulty level the dataset gives (IMO-ProofBench: pre-IMO, IMO-easy/medium/hard)."""


def problem_from_text(text: str, *, answer: str | None = None, source: str | None = None) -> Problem:
    text = text.strip()
    if not text:
        raise ProblemInputError("the problem text is empty")
    kind = ProblemKind.GEOMETRY if GEOMETRY_STATEMENT.match(text) else ProblemKind.ANSWER
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Problem(id=f"p-{digest}", text=text, answer=answer, kind=kind, source=source)


def load_problem_file(path: Path | str) -> Problem:
    """A Markdown, TeX or plain-text file holding one problem."""
    path = Path(path)
    if path.suffix in DATASET_SUFFIXES:
        problems = load_dataset(path)
        if len(problems) != 1:
            raise ProblemInputError(f"{path}: holds {len(problems)} problems; use `lemmata batch` or pick one")
        return problems[0]
    text = read_text_file(path)
    problem = problem_from_text(text, source=str(path))
    return Problem(path.stem, problem.text, None, problem.kind, str(path))


def load_dataset(path: Path | str) -> list[Problem]:
    """A JSONL file of rows with `id`, `problem`, optional `answer` and `kind`."""
    path = Path(path)
    lines = read_text_file(path).splitlines()
    problems, seen = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        problem = _row_to_problem(line, f"{path}:{number}")
        if problem.id in seen:
            raise ProblemInputError(f"{path}:{number}: duplicate id '{problem.id}'")
        seen.add(problem.id)
        problems.append(problem)
    if not problems:
        raise ProblemInputError(f"{path}: the dataset has no problems")
    return problems


def _row_to_problem(line: str, where: str) -> Problem:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise ProblemInputError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(row, dict):
        raise ProblemInputError(f"{where}: expected a JSON object, got {type(row).__name__}")
    for key in ("id", "problem"):
        if not isinstance(row.get(key), (str, int)) or not str(row[key]).strip():
            raise ProblemInputError(f"{where}: missing or empty '{key}'")
    answer = row.get("answer")
    if answer is not None and not isinstance(answer, (str, int, float)):
        raise ProblemInputError(f"{where}: 'answer' must be a string or number")
    kind = row.get("kind") or (ProblemKind.GEOMETRY if GEOMETRY_STATEMENT.match(str(row["problem"])) else "answer")
    try:
        kind = ProblemKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in ProblemKind)
        raise ProblemInputError(f"{where}: 'kind' is '{kind}'; expected one of {choices}") from None
    return Problem(
        id=str(row["id"]),
        text=str(row["problem"]),
        answer=None if answer is None or not str(answer).strip() else str(answer),
        kind=kind,
        source=row.get("source") or where.rsplit(":", 1)[0],
        reference=_optional_text(row, "solution", "reference", where=where),
        guidelines=_optional_text(row, "grading_guidelines", "guidelines", where=where),
        level=_optional_text(row, "level", where=where),
    )


def _optional_text(row: dict, *names: str, where: str) -> str | None:
    """The first of `names` the row has as non-blank text; a non-text value is an error."""
    for name in names:
        value = row.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ProblemInputError(f"{where}: '{name}' must be a string")
        if value.strip():
            return value
    return None


def read_text_file(path: Path) -> str:
    """A UTF-8 text file's contents; a missing or undecodable file is a one-line ProblemInputError."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProblemInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ProblemInputError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as error:
        raise ProblemInputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
