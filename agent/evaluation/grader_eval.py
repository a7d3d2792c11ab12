"""Grader calibration: grade a human-graded set of proofs and measure agreement with the humans.

The set is JSONL, one proof a row, in the IMO-GradingBench layout: the problem, the proof, the
human score 0-7, optionally a reference solution and grading guidelines. Both snake_case keys
(`problem`, `proof`, `human_score`, `reference`, `guidelines`) and IMO-GradingBench's column
names (`Problem`, `Response`, `Points`, `Solution`, `Grading guidelines`) are read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from lemmata.agent.errors import ProblemInputError
from lemmata.agent.problems import Problem, ProblemKind, read_text_file
from lemmata.agent.evaluation.proof_grades import MAX_SCORE, ProofGrade, bucket

FIELDS = {
    "problem": ("problem", "Problem", "problem_statement"),
    "proof": ("proof", "response", "Response"),
    "human_score": ("human_score", "score", "points", "Points"),
    "reference": ("reference", "solution", "Solution", "reference_solution"),
    "guidelines": ("guidelines", "grading_guidelines", "Grading guidelines", "rubric"),
    "id": ("id", "grading_id", "Grading ID"),
}
BUCKETS = (0, 1, 6, 7)
FAILED = "failed"


@dataclass(frozen=True)
class HumanGraded:
    """One row of a human-graded set."""

    id: str
    problem: Problem
    """Its id is a hash of the statement, so that rows of one problem share it."""
    proof: str
    human_score: int


@dataclass(frozen=True)
class Agreement:
    """How the grader's scores agree with the humans'."""

    rows: int
    failed: int
    """Rows the grader could not grade (counted as disagreements in the bucket accuracy)."""
    bucket_accuracy: float
    """Share of all rows whose grader bucket (7 / 6 / 1-5 / 0) equals the human one."""
    mean_absolute_error: float | None
    """Over the graded rows, in points on the 0-7 scale."""
    spearman: float | None
    """Rank correlation over the graded rows; None with fewer than two rows or no variation."""
    confusion: dict[str, dict[str, int]]
    """Human bucket -> grader bucket (or 'failed') -> rows."""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def load_human_graded(path: Path | str) -> list[HumanGraded]:
    """The rows of a human-graded JSONL file; a bad row is an error naming its line."""
    path = Path(path)
    lines = read_text_file(path).splitlines()
    rows = [_row(line, f"{path}:{number}", number) for number, line in enumerate(lines, 1) if line.strip()]
    if not rows:
        raise ProblemInputError(f"{path}: no graded proofs in the file")
    return rows


def _row(line: str, where: str, number: int) -> HumanGraded:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ProblemInputError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(data, dict):
        raise ProblemInputError(f"{where}: expected a JSON object, got {type(data).__name__}")
    value = {name: next((data[key] for key in keys if data.get(key) is not None), None)
             for name, keys in FIELDS.items()}
    for name in ("problem", "proof", "reference", "guidelines"):
        if value[name] is not None and not isinstance(value[name], str):
            raise ProblemInputError(f"{where}: '{name}' must be a string")
    if not (value["problem"] or "").strip():
        raise ProblemInputError(f"{where}: missing or empty 'problem'")
    if value["proof"] is None:
        raise ProblemInputError(f"{where}: missing 'proof'")
    score = value["human_score"]
    if isinstance(score, str) and score.strip().isdigit():
        score = int(score)
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= MAX_SCORE:
        raise ProblemInputError(f"{where}: 'human_score' must be an integer from 0 to {MAX_SCORE}")
    text = value["problem"].strip()
    problem = Problem(f"gp-{hashlib.sha256(text.encode()).hexdigest()[:12]}", text, kind=ProblemKind.PROOF,
                      source=where.rsplit(":", 1)[0], reference=value["reference"] or None,
                      guidelines=value["guidelines"] or None)
    return HumanGraded(str(value["id"] if value["id"] is not None else number), problem, value["proof"], score)


def agreement(human: list[int], graded: list[ProofGrade]) -> Agreement:
    """Bucket accuracy, mean absolute error, Spearman correlation and the confusion matrix."""
    pairs = [(h, g.score) for h, g in zip(human, graded) if g.score is not None]
    confusion = {str(b): {str(c): 0 for c in (*BUCKETS, FAILED)} for b in BUCKETS}
    for h, g in zip(human, graded):
        confusion[str(bucket(h))][FAILED if g.score is None else str(bucket(g.score))] += 1
    same = sum(bucket(h) == bucket(s) for h, s in pairs)
    return Agreement(
        rows=len(human), failed=len(human) - len(pairs), bucket_accuracy=same / len(human) if human else 0.0,
        mean_absolute_error=sum(abs(h - s) for h, s in pairs) / len(pairs) if pairs else None,
        spearman=spearman([h for h, _ in pairs], [s for _, s in pairs]), confusion=confusion)


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rank correlation (ties get their average rank); None when undefined."""
    if len(xs) < 2:
        return None
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    norm = math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
    return cov / norm if norm else None


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks
