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
from sqlite_utils.db import NotFoundError

from lemmata.engines.llm.redaction import redact
from lemmata.memory.migrations import migrations
from lemmata.memory.problem_identity import content_hash, qualified_id
from lemmata.memory.statuses import RunStatus
from lemmata.memory.store_errors import CorruptStoreError, NewerSchemaError, RunNotFound, StoreError, StoreFullError

BUSY_TIMEOUT_MS = 60_000
SCHEMA_VERSION = len(migrations._migrations)  # sqlite-utils keeps the registered list private
"""PRAGMA user_version of a store this version wrote; a higher one is a newer schema."""


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
        self.newer_schema: str | None = None
        """Set when the file holds migrations this version does not know: read-only then."""
        if str(path) != ":memory:":
            if self.path.is_dir():
                raise CorruptStoreError(f"{self.path} is a directory, not a run store; pass --db FILE")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._open(str(path))
        except StoreError:
            raise
        except sqlite3.DatabaseError as error:
            raise CorruptStoreError(
                f"{self.path} is not a readable run store ({error}); move it aside or pass --db FILE") from None

    def _open(self, path: str) -> None:
        connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                     check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db = Database(connection)
        self.newer_schema = _newer_schema(self.db)
        if self.newer_schema:
            connection.execute("PRAGMA query_only = ON")
            return
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        with self.transaction():
            migrations.apply(self.db)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """BEGIN IMMEDIATE takes the write lock up front, so waiting writers queue on the busy
        timeout instead of failing with 'database is locked' on a read-to-write upgrade."""
        if self.newer_schema:
            raise NewerSchemaError(
                f"{self.path} was written by a newer Lemmata ({self.newer_schema}); upgrade to write to it")
        if self.db.conn.in_transaction:
            yield self.db
            return
        try:
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise
            self.db.conn.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(error):
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise StoreFullError(
                    f"{self.path}: disk full; stopped, everything stored before is kept — free space, then resume")\
                    from None
            raise

    def close(self) -> None:
        self.db.conn.close()

    # problems -------------------------------------------------------------------------

    def add_problem(self, problem: StoredProblem) -> str:
        """Store `problem` unless stored already; returns its id in the store. A different problem
        under a taken id is stored under that id qualified by its content hash: never overwritten."""
        digest = content_hash(problem.text, problem.answer, problem.kind)
        with self.transaction() as db:
            for candidate in (problem.id, qualified_id(problem.id, digest)):
                row = next(db["problems"].rows_where("id = ?", [candidate]), None)
                if row is None:
                    db["problems"].insert({**problem.__dict__, "id": candidate, "content_hash": digest,
                                           "created_at": now()})
                    return candidate
                if (row["content_hash"] or content_hash(row["text"], row["answer"], row["kind"])) == digest:
                    return candidate
        raise StoreError(f"problem {problem.id}: its content-qualified id is taken by other content")

    def problem(self, problem_id: str) -> StoredProblem:
        row = self.db["problems"].get(problem_id)
        return StoredProblem(**{k: row[k] for k in ("id", "text", "answer", "kind", "source")})

    # runs -----------------------------------------------------------------------------

    def start_run(self, command: str, config: dict[str, Any], run_id: str | None = None) -> str:
        """Record a new run; `config` must already have its secrets masked."""
        run_id = run_id or uuid.uuid4().hex[:12]
        with self.transaction() as db:
            db["runs"].insert({
                "id": run_id, "created_at": now(), "status": RunStatus.RUNNING, "command": command,
                "config": json.dumps(config, sort_keys=True, default=str),
            })
        return run_id

    def finish_run(self, run_id: str, status: RunStatus = RunStatus.FINISHED) -> None:
        with self.transaction() as db:
            db["runs"].update(run_id, {"status": status, "finished_at": now()})

    def run(self, run_id: str) -> dict:
        """The run's row; raises RunNotFound when the store has no run `run_id`."""
        try:
            return self.db["runs"].get(run_id)
        except NotFoundError:
            raise self._no_run(run_id) from None

    def update_run(self, run_id: str, **fields: Any) -> None:
        """Change some of a run's columns (status, note)."""
        with self.transaction() as db:
            try:
                db["runs"].update(run_id, fields)
            except NotFoundError:
                raise self._no_run(run_id) from None

    def update_run_config(self, run_id: str, section: str, values: dict[str, Any]) -> None:
        """Set `values` in one section of the run's stored config (read and written in one transaction)."""
        with self.transaction():
            config = json.loads(self.run(run_id)["config"] or "{}")
            config.setdefault(section, {}).update(values)
            self.update_run(run_id, config=json.dumps(config, sort_keys=True, default=str))

    def _no_run(self, run_id: str) -> RunNotFound:
        return RunNotFound(f"no run '{run_id}' in {self.path}; lemmata runs lists them")

    # calls ----------------------------------------------------------------------------

    def record_call(self, result: Any) -> int:
        """Store one lemmata.engines.llm.CallResult; its tags say which run and problem it served.
        A finished call made under a `call_key` tag is stored once: recording it again (the
        client's observer and the caller both may) returns the stored row's id."""
        tags = dict(result.tags)
        row = {
            "run_id": tags.pop("run_id", None),
            "problem_id": tags.pop("problem_id", None),
            "call_key": tags.get("call_key"),
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
            "error": redact(result.error),
            "tags": json.dumps(tags, sort_keys=True),
            "created_at": now(),
        }
        with self.transaction() as db:
            try:
                return db["calls"].insert(row).last_pk
            except sqlite3.IntegrityError:  # the unique index on finished keyed calls: stored already
                stored = self.finished_call(row["run_id"], row["problem_id"], row["call_key"])
                if stored is None:
                    raise
                return stored["id"]

    def finished_call(self, run_id: str, problem_id: str, call_key: str) -> dict | None:
        """The stored, error-free call made under `call_key` for this run and problem, if any."""
        rows = list(self.db["calls"].rows_where(
            "run_id = ? and problem_id = ? and call_key = ? and error is null", [run_id, problem_id, call_key], limit=1))
        return rows[0] if rows else None

    def calls(self, run_id: str) -> list[dict]:
        return list(self.db["calls"].rows_where("run_id = ?", [run_id], order_by="id"))

    # samples --------------------------------------------------------------------------

    def save_sample(self, run_id: str, problem_id: str, sample: int, **fields: Any) -> None:
        if fields.get("error"):
            fields["error"] = redact(fields["error"])
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


def _newer_schema(db: Database) -> str | None:
    """What marks the store as newer than this code (a migration it lacks), or None."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        return f"schema version {version} > {SCHEMA_VERSION}"
    known = {migration.name for migration in migrations._migrations}
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    return f"unknown migration {unknown[0]}" if unknown else None
