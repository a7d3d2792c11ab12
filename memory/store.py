"""The run store: one SQLite file holding problems, runs, model calls and samples."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from memory.migrations import migrations

BUSY_TIMEOUT_MS = 60_000


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class StoredProblem:
    id: str
    text: str
    answer: str | None = None
    kind: str = "answer"
    source: str | None = None


class RunStore:
    """Every write is one short IMMEDIATE transaction, so several processes can share the file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        self.db = Database(connection)
        with self.transaction():
            migrations.apply(self.db)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """BEGIN IMMEDIATE takes the write lock up front, so waiting writers queue on the busy
        timeout instead of failing with 'database is locked' on a read-to-write upgrade."""
        if self.db.conn.in_transaction:
            yield self.db
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.conn.execute("ROLLBACK")
            raise
        self.db.conn.execute("COMMIT")

    def close(self) -> None:
        self.db.conn.close()

    # problems -------------------------------------------------------------------------

    def add_problem(self, problem: StoredProblem) -> None:
        row = {**problem.__dict__, "created_at": now()}
        with self.transaction() as db:
            db["problems"].upsert(row, pk="id")

    def problem(self, problem_id: str) -> StoredProblem:
        row = self.db["problems"].get(problem_id)
        return StoredProblem(**{k: row[k] for k in ("id", "text", "answer", "kind", "source")})

    # runs -----------------------------------------------------------------------------

    def start_run(self, command: str, config: dict[str, Any], run_id: str | None = None) -> str:
        """Record a new run; `config` must already have its secrets masked."""
        run_id = run_id or uuid.uuid4().hex[:12]
        with self.transaction() as db:
            db["runs"].insert({
                "id": run_id, "created_at": now(), "status": "running", "command": command,
                "config": json.dumps(config, sort_keys=True, default=str),
            })
        return run_id

    def finish_run(self, run_id: str, status: str = "finished") -> None:
        with self.transaction() as db:
            db["runs"].update(run_id, {"status": status, "finished_at": now()})

    def run(self, run_id: str) -> dict:
        return self.db["runs"].get(run_id)

    # calls ----------------------------------------------------------------------------

    def record_call(self, result: Any) -> int:
        """Store one engines.llm.CallResult; its tags say which run and problem it served."""
        tags = dict(result.tags)
        row = {
            "run_id": tags.pop("run_id", None),
            "problem_id": tags.pop("problem_id", None),
            "role": result.role,
            "model": result.model,
            "endpoint": result.endpoint,
            "messages_hash": result.messages_hash,
            "messages": json.dumps(result.messages, ensure_ascii=False),
            "n": len(result.choices) or None,
            "choices": json.dumps([c.__dict__ for c in result.choices], ensure_ascii=False),
            "truncated": int(result.truncated),
            "prompt_tokens": result.prompt_tokens,
            "completion_tokens": result.completion_tokens,
            "latency_s": result.latency_s,
            "retries": result.retries,
            "error": result.error,
            "tags": json.dumps(tags, sort_keys=True),
            "created_at": now(),
        }
        with self.transaction() as db:
            return db["calls"].insert(row).last_pk

    def calls(self, run_id: str) -> list[dict]:
        return list(self.db["calls"].rows_where("run_id = ?", [run_id], order_by="id"))

    # samples --------------------------------------------------------------------------

    def save_sample(self, run_id: str, problem_id: str, sample: int, **fields: Any) -> None:
        row = {"run_id": run_id, "problem_id": problem_id, "sample": sample, **fields}
        with self.transaction() as db:
            existing = list(db["samples"].rows_where(
                "run_id = ? and problem_id = ? and sample = ?", [run_id, problem_id, sample]))
            if existing:
                db["samples"].update(existing[0]["id"], fields)
            else:
                db["samples"].insert({**row, "created_at": now()})

    def samples(self, run_id: str) -> list[dict]:
        return list(self.db["samples"].rows_where("run_id = ?", [run_id], order_by="id"))
