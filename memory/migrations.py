"""The run store's schema as named migrations; a released migration is never edited."""

from sqlite_migrate import Migrations
from sqlite_utils import Database

migrations = Migrations("lemmata")


@migrations()
def m001_problems_runs_calls(db: Database) -> None:
    db["problems"].create(
        {"id": str, "text": str, "answer": str, "kind": str, "source": str, "created_at": str},
        pk="id",
    )
    db["runs"].create(
        {"id": str, "created_at": str, "finished_at": str, "status": str, "command": str,
         "config": str, "note": str},
        pk="id",
    )
    db["calls"].create(
        {"id": int, "run_id": str, "problem_id": str, "role": str, "model": str, "endpoint": str,
         "messages_hash": str, "messages": str, "n": int, "choices": str, "truncated": int,
         "prompt_tokens": int, "completion_tokens": int, "latency_s": float, "retries": int,
         "error": str, "tags": str, "created_at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("problem_id", "problems", "id")],
    )
    db["calls"].create_index(["run_id", "problem_id"])
    db["samples"].create(
        {"id": int, "run_id": str, "problem_id": str, "sample": int, "status": str,
         "answer": str, "solution": str, "error": str, "created_at": str, "finished_at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("problem_id", "problems", "id")],
    )
    db["samples"].create_index(["run_id", "problem_id", "sample"], unique=True)
