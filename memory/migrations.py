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


@migrations()
def m002_rounds_revisions_verdicts(db: Database) -> None:
    """The loop's records: one row per round, per final-verification vote, per revision."""
    db["rounds"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "round": int, "verdict": str,
         "reasoner_call_id": int, "summarizer_call_id": int, "new_lemmas": int, "parse_error": str,
         "status": str, "created_at": str},
        pk="id",
    )
    db["rounds"].create_index(["run_id", "problem_id", "shot", "round"], unique=True)
    db["revisions"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "loop": int, "solution": str,
         "answer": str, "call_id": int, "passes": int, "votes": int, "passed": int, "created_at": str},
        pk="id",
    )
    db["revisions"].create_index(["run_id", "problem_id", "shot", "loop"], unique=True)
    db["verdicts"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "loop": int, "call_id": int,
         "first_wrong": str, "passed": int, "explanation": str, "created_at": str},
        pk="id",
    )
    db["verdicts"].create_index(["run_id", "problem_id", "shot", "loop"])
    db["selections"].create(
        {"id": int, "run_id": str, "problem_id": str, "shot": int, "method": str, "answer": str,
         "score": float, "created_at": str},
        pk="id",
    )
