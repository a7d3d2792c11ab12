"""Proof grades and the reference material of proof problems, as stored rows."""

from __future__ import annotations

import json
from typing import Any

from lemmata.memory.store import RunStore, now


def save_rubric(store: RunStore, problem_id: str, *, reference: str | None, guidelines: str | None,
                level: str | None) -> None:
    """What the proof grader may read about a problem (never the solver)."""
    row = {"problem_id": problem_id, "reference": reference, "guidelines": guidelines, "level": level,
           "created_at": now()}
    with store.transaction() as db:
        db["proof_rubrics"].upsert(row, pk="problem_id")


def rubric(store: RunStore, problem_id: str) -> dict | None:
    rows = list(store.db["proof_rubrics"].rows_where("problem_id = ?", [problem_id]))
    return rows[0] if rows else None


def save_proof_grade(store: RunStore, run_id: str, problem_id: str, sample: int, fields: dict[str, Any]) -> None:
    """One grade per (run, problem, sample); list fields are stored as JSON."""
    row = {name: json.dumps(value) if isinstance(value, list) else value for name, value in fields.items()}
    key = {"run_id": run_id, "problem_id": problem_id, "sample": sample}
    with store.transaction() as db:
        existing = list(db["proof_grades"].rows_where(
            "run_id = ? and problem_id = ? and sample = ?", list(key.values())))
        if existing:
            db["proof_grades"].update(existing[0]["id"], row)
        else:
            db["proof_grades"].insert({**key, **row, "created_at": now()})


def proof_grades(store: RunStore, run_id: str) -> dict[tuple[str, int], dict]:
    """Every proof grade of a run by (problem, sample), list fields decoded."""
    grades = {}
    for row in store.db["proof_grades"].rows_where("run_id = ?", [run_id], order_by="problem_id, sample"):
        for name in ("grader_scores", "credited", "call_ids"):
            row[name] = json.loads(row[name]) if row[name] else []
        grades[(row["problem_id"], row["sample"])] = row
    return grades


def levels(store: RunStore, problem_ids: list[str]) -> dict[str, str | None]:
    """The stored level of each problem that has a rubric."""
    found = {}
    for problem_id in problem_ids:
        row = rubric(store, problem_id)
        found[problem_id] = row["level"] if row else None
    return found
