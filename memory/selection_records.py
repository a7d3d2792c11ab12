"""Issue 20's records: tournament matches, selection grades, critique checks and conjectures."""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from typing import Any

from lemmata.memory.statuses import ConjectureStatus
from lemmata.memory.store import RunStore, now


def clear_selection(store: RunStore, run_id: str, problem_id: str) -> None:
    """Forget the matches and grades of an earlier selection (a resumed run selects again; its
    judge and grader calls are read back, not paid twice)."""
    with store.transaction() as db:
        for table in ("comparisons", "selection_grades"):
            db[table].delete_where("run_id = ? and problem_id = ?", [run_id, problem_id])


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


def add_conjectures(store: RunStore, run_id: str, problem_id: str, shot: int, round: int, statements: list[str],
                    call_id: int | None) -> None:
    """Unproven lemmas of a round, each once per shot (a repeat of an open one is not stored again)."""
    known = {_normal(row["statement"]) for row in conjectures(store, run_id, problem_id, shot)}
    with store.transaction() as db:
        for statement in statements:
            if statement.strip() and _normal(statement) not in known:
                known.add(_normal(statement))
                db["conjectures"].insert({"run_id": run_id, "problem_id": problem_id, "shot": shot, "round": round,
                                          "statement": statement, "status": ConjectureStatus.OPEN, "call_id": call_id,
                                          "created_at": now()})


def conjectures(store: RunStore, run_id: str, problem_id: str, shot: int, status: str | None = None) -> list[dict]:
    where = "run_id = ? and problem_id = ? and shot = ?" + (" and status = ?" if status else "")
    return list(store.db["conjectures"].rows_where(
        where, [run_id, problem_id, shot, *([status] if status else [])], order_by="id"))


def prove_conjectures(store: RunStore, run_id: str, problem_id: str, shot: int, round: int,
                      lemmas: list[tuple[int, str]]) -> list[int]:
    """Open conjectures that a new lemma (id, statement) states become proved by it; their ids."""
    proved = []
    for row in conjectures(store, run_id, problem_id, shot, status=ConjectureStatus.OPEN):
        match = next((lemma_id for lemma_id, statement in lemmas if _same_statement(row["statement"], statement)), None)
        if match is not None:
            with store.transaction() as db:
                db["conjectures"].update(row["id"], {"status": ConjectureStatus.PROVED, "lemma_id": match, "proved_round": round})
            proved.append(row["id"])
    return proved


def _normal(statement: str) -> str:
    return " ".join(statement.lower().replace("$", " ").replace("*", " ").split()).rstrip(".")


def _same_statement(first: str, second: str) -> bool:
    """Equal up to case, spacing and TeX dollars, or nearly so (a summarizer rewords a little)."""
    a, b = _normal(first), _normal(second)
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.9
