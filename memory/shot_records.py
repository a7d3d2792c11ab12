"""One shot's records: what the loop, a batch and a session read and write for one shot of one
problem in one run, and its model calls, each made at most once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from lemmata.memory.store import RunStore


class ChatClient(Protocol):
    """The part of lemmata.engines.llm.LLMClient a keyed call needs."""

    async def chat(self, role: str, messages: list[dict], *, on_token: Callable | None = None,
                   tags: dict | None = None) -> Any: ...


@dataclass(frozen=True)
class ShotRecords:
    """A handle on shot `shot` of problem `problem_id` in run `run_id`."""

    store: RunStore
    run_id: str
    problem_id: str
    shot: int

    def sample(self) -> dict | None:
        """The shot's `samples` row (status, answer, solution, error), once it started."""
        rows = list(self.store.db["samples"].rows_where(
            "run_id = ? and problem_id = ? and sample = ?", [self.run_id, self.problem_id, self.shot], limit=1))
        return rows[0] if rows else None

    def save_sample(self, **fields: Any) -> None:
        self.store.save_sample(self.run_id, self.problem_id, self.shot, **fields)

    def final_revision(self) -> dict | None:
        """The last verify-and-revise loop of the final solution, with its votes."""
        rows = list(self.store.db["revisions"].rows_where(
            "run_id = ? and problem_id = ? and shot = ?", [self.run_id, self.problem_id, self.shot],
            order_by="loop desc", limit=1))
        return rows[0] if rows else None

    def rounds_done(self) -> int:
        """The highest round stored for the shot; 0 before the first."""
        row = self.store.db.execute(
            "select coalesce(max(round), 0) from rounds where run_id = ? and problem_id = ? and shot = ?",
            [self.run_id, self.problem_id, self.shot]).fetchone()
        return int(row[0])

    async def call_once(self, llm: ChatClient, role: str, messages: list[dict], key: str,
                        on_token: Callable | None = None) -> dict:
        """The stored call made under `key`, read back when it finished before (a resumed run
        never pays twice), else made now and recorded. Recording does not rely on the client's
        observer: one that records into this store too is harmless (a keyed call is stored once).
        Raises the client's error when the call fails."""
        stored = self.store.finished_call(self.run_id, self.problem_id, key)
        if stored is None:
            tags = {"run_id": self.run_id, "problem_id": self.problem_id, "shot": self.shot, "call_key": key}
            result = await llm.chat(role, messages, tags=tags, on_token=on_token)
            self.store.record_call(result)
            stored = self.store.finished_call(self.run_id, self.problem_id, key)
        return stored
