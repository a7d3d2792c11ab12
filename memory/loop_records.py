"""Rounds, final-verification verdicts, revisions and selections, written as they happen."""

from __future__ import annotations

import json

from lemmata.memory.store import RunStore, now

__all__ = ["now"]


def call_text(store: RunStore, call_id: int) -> tuple[str, str]:
    """(answer text, reasoning text) of a stored call's first choice."""
    choices = json.loads(store.db["calls"].get(call_id)["choices"])
    return choices[0]["text"], choices[0]["reasoning"]


def shot_tokens(store: RunStore, run_id: str, problem_id: str, shot: int) -> int:
    row = store.db.execute(
        "select coalesce(sum(prompt_tokens + completion_tokens), 0) from calls "
        "where run_id = ? and problem_id = ? and json_extract(tags, '$.shot') = ?",
        [run_id, problem_id, shot],
    ).fetchone()
    return int(row[0])


def save_round(store: RunStore, run_id: str, problem_id: str, shot: int, round: int, **fields) -> None:
    key = {"run_id": run_id, "problem_id": problem_id, "shot": shot, "round": round}
    _upsert(store, "rounds", key, fields)


def save_revision(store: RunStore, run_id: str, problem_id: str, shot: int, loop: int, **fields) -> None:
    key = {"run_id": run_id, "problem_id": problem_id, "shot": shot, "loop": loop}
    _upsert(store, "revisions", key, fields)


def revision(store: RunStore, run_id: str, problem_id: str, shot: int, loop: int) -> dict | None:
    rows = list(store.db["revisions"].rows_where(
        "run_id = ? and problem_id = ? and shot = ? and loop = ?", [run_id, problem_id, shot, loop]))
    return rows[0] if rows else None


def final_revisions(store: RunStore, run_id: str) -> dict[tuple[str, int], dict]:
    """Each shot's last verify-and-revise loop, by (problem, shot)."""
    finals: dict[tuple[str, int], dict] = {}
    for row in store.db["revisions"].rows_where("run_id = ?", [run_id], order_by="loop"):
        finals[(row["problem_id"], row["shot"])] = row
    return finals


def tokens_by_role(store: RunStore, run_id: str) -> dict[tuple[str, int], dict[str, int]]:
    """Prompt plus completion tokens each shot's calls used, by (problem, shot) and then role."""
    totals: dict[tuple[str, int], dict[str, int]] = {}
    for problem_id, shot, role, tokens in store.db.execute(
        "select problem_id, json_extract(tags, '$.shot'), role, sum(prompt_tokens + completion_tokens) "
        "from calls where run_id = ? group by 1, 2, 3", [run_id]):
        if shot is not None:
            totals.setdefault((problem_id, int(shot)), {})[role] = int(tokens or 0)
    return totals


def add_verdict(store: RunStore, run_id: str, problem_id: str, shot: int, loop: int, **fields) -> None:
    with store.transaction() as db:
        db["verdicts"].insert({"run_id": run_id, "problem_id": problem_id, "shot": shot, "loop": loop,
                               **fields, "created_at": now()})


def verdicts(store: RunStore, run_id: str, problem_id: str, shot: int, loop: int) -> list[dict]:
    return list(store.db["verdicts"].rows_where(
        "run_id = ? and problem_id = ? and shot = ? and loop = ?", [run_id, problem_id, shot, loop], order_by="id"))


def add_selection(store: RunStore, run_id: str, problem_id: str, **fields) -> None:
    with store.transaction() as db:
        db["selections"].insert({"run_id": run_id, "problem_id": problem_id, **fields, "created_at": now()})


def latest_selection(store: RunStore, run_id: str) -> dict | None:
    """The run's last recorded choice of a shot (shot, method, answer, score), if any."""
    rows = list(store.db["selections"].rows_where("run_id = ?", [run_id], order_by="id desc", limit=1))
    return rows[0] if rows else None


def _upsert(store: RunStore, table: str, key: dict, fields: dict) -> None:
    where = " and ".join(f"{column} = ?" for column in key)
    with store.transaction() as db:
        existing = list(db[table].rows_where(where, list(key.values())))
        if existing:
            if fields:
                db[table].update(existing[0]["id"], fields)
        else:
            db[table].insert({**key, **fields, "created_at": now()})


def save_grade(store: RunStore, run_id: str, problem_id: str, sample: int, **fields) -> None:
    _upsert(store, "grades", {"run_id": run_id, "problem_id": problem_id, "sample": sample}, fields)


def grades(store: RunStore, run_id: str) -> dict[tuple[str, int], dict]:
    return {(row["problem_id"], row["sample"]): row for row in store.db["grades"].rows_where("run_id = ?", [run_id])}


def add_hint(store: RunStore, run_id: str, problem_id: str, shot: int, round: int, text: str) -> None:
    with store.transaction() as db:
        db["hints"].insert({"run_id": run_id, "problem_id": problem_id, "shot": shot, "round": round,
                            "text": text, "created_at": now()})


def hints_for(store: RunStore, run_id: str, problem_id: str, shot: int, round: int) -> list[str]:
    return [row["text"] for row in store.db["hints"].rows_where(
        "run_id = ? and problem_id = ? and shot = ? and round = ?", [run_id, problem_id, shot, round], order_by="id")]


def save_geometry_step(store: RunStore, run_id: str, problem_id: str, shot: int, step: int, **fields) -> None:
    _upsert(store, "geometry_steps", {"run_id": run_id, "problem_id": problem_id, "shot": shot, "step": step}, fields)


def geometry_steps(store: RunStore, run_id: str, problem_id: str, shot: int) -> list[dict]:
    return list(store.db["geometry_steps"].rows_where(
        "run_id = ? and problem_id = ? and shot = ?", [run_id, problem_id, shot], order_by="step"))


def add_tool_calls(store: RunStore, run_id: str, problem_id: str, shot: int, requested_by: int | None,
                   verdict_call: int | None, calls: list[dict]) -> None:
    with store.transaction() as db:
        for call in calls:
            db["tool_calls"].insert({
                "run_id": run_id, "problem_id": problem_id, "shot": shot, "requested_by_call_id": requested_by,
                "verdict_call_id": verdict_call, "tool": call["name"], "input": call["input"],
                "output": call["output"], "status": call["status"], "seconds": call["seconds"], "created_at": now(),
            })
