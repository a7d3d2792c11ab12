"""Issue 20's records: tournament matches, selection grades, critique checks and conjectures."""

from __future__ import annotations

import json
from typing import Any

from memory.store import RunStore, now


def add_comparison(store: RunStore, run_id: str, problem_id: str, **fields: Any) -> None:
    with store.transaction() as db:
        db["comparisons"].insert({"run_id": run_id, "problem_id": problem_id, **fields, "created_at": now()})


def add_selection_grade(store: RunStore, run_id: str, problem_id: str, shot: int, score: float | None,
                        call_ids: list[int]) -> None:
    with store.transaction() as db:
        db["selection_grades"].insert({"run_id": run_id, "problem_id": problem_id, "shot": shot, "score": score,
                                       "call_ids": json.dumps(call_ids), "created_at": now()})


def add_critique_check(store: RunStore, run_id: str, problem_id: str, shot: int, **fields: Any) -> None:
    with store.transaction() as db:
        db["critique_checks"].insert({"run_id": run_id, "problem_id": problem_id, "shot": shot, **fields,
                                      "created_at": now()})


def critique_checks(store: RunStore, run_id: str, problem_id: str, shot: int, target: str) -> list[dict]:
    return list(store.db["critique_checks"].rows_where(
        "run_id = ? and problem_id = ? and shot = ? and target = ?", [run_id, problem_id, shot, target], order_by="id"))


def rows(store: RunStore, table: str, run_id: str) -> list[dict]:
    """A run's rows of one of these tables, in the order they were written."""
    return list(store.db[table].rows_where("run_id = ?", [run_id], order_by="id"))
