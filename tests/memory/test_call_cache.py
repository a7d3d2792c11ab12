"""The call cache: a keyed model call is made at most once per run and problem, found again by
its `call_key` column, whether or not the client records calls itself."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlite_migrate import Migrations
from sqlite_utils import Database

from lemmata.agent.config import load_config
from lemmata.engines.llm import LLMClient, ModelCallError
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply
from lemmata.memory import RunStore, StoredProblem
from lemmata.memory.migrations import migrations
from lemmata.memory.shot_records import ShotRecords

MESSAGES = [{"role": "user", "content": "Prove it."}]


def shot_of_new_run(tmp_path) -> ShotRecords:
    store = RunStore(tmp_path / "runs.db")
    store.add_problem(StoredProblem("p1", "Prove it."))
    return ShotRecords(store, store.start_run("solve", {}), "p1", 0)


def client(scripted, tmp_path, **kwargs) -> LLMClient:
    config = load_config(overrides={"base_url": scripted.base_url, "model": MODEL_NAME}, environ={})
    config.client.backoff_initial, config.client.max_retries = 0.01, 0
    return LLMClient(config, **kwargs)


async def twice(records: ShotRecords, llm: LLMClient, key: str = "s0/r1/reason") -> tuple[dict, dict]:
    try:
        return (await records.call_once(llm, "reasoner", MESSAGES, key),
                await records.call_once(llm, "reasoner", MESSAGES, key))
    finally:
        await llm.aclose()


def test_a_client_without_an_observer_still_has_its_call_recorded_and_read_back(scripted, tmp_path):
    scripted.script["reasoner"] = Reply(content="first")
    records = shot_of_new_run(tmp_path)
    first, again = asyncio.run(twice(records, client(scripted, tmp_path)))
    assert scripted.counts["reasoner"] == 1, "the second ask is read back, not paid again"
    assert first["id"] == again["id"] and json.loads(first["choices"])[0]["text"] == "first"
    assert first["call_key"] == "s0/r1/reason" and json.loads(first["tags"])["shot"] == 0


def test_a_client_that_records_too_leaves_one_row_per_keyed_call(scripted, tmp_path):
    scripted.script["reasoner"] = Reply(content="first")
    records = shot_of_new_run(tmp_path)
    first, again = asyncio.run(twice(records, client(scripted, tmp_path, on_call=records.store.record_call)))
    assert first["id"] == again["id"] and scripted.counts["reasoner"] == 1
    assert len(records.store.calls(records.run_id)) == 1


def test_a_failed_call_is_not_read_back_and_its_retry_is(scripted, tmp_path):
    scripted.script["reasoner"] = [Reply(status=400), Reply(content="second")]
    records = shot_of_new_run(tmp_path)
    llm = client(scripted, tmp_path, on_call=records.store.record_call)
    with pytest.raises(ModelCallError):
        asyncio.run(records.call_once(llm, "reasoner", MESSAGES, "k"))
    second, again = asyncio.run(twice(records, client(scripted, tmp_path, on_call=records.store.record_call), "k"))
    assert second["id"] == again["id"] and second["error"] is None
    assert [row["error"] is None for row in records.store.calls(records.run_id)] == [False, True]


def old_store(path) -> Database:
    """A store as the last version before m_i19_call_key left it."""
    names = [migration.name for migration in migrations._migrations]
    before = Migrations("lemmata")
    before._migrations = migrations._migrations[:names.index("m_i19_call_key")]
    db = Database(path)
    before.apply(db)
    db.execute(f"PRAGMA user_version = {len(before._migrations)}")
    db["problems"].insert({"id": "p1", "text": "Prove it.", "kind": "proof"})
    db["runs"].insert({"id": "r1", "status": "finished", "command": "solve", "config": "{}"})
    for error, key in [(None, "a"), ("timeout", "b"), (None, "b"), (None, "b"), (None, None)]:
        tags = {"shot": 0, **({"call_key": key} if key else {})}
        db["calls"].insert({"run_id": "r1", "problem_id": "p1", "role": "reasoner", "error": error,
                            "choices": "[]", "tags": json.dumps(tags)})
    return db


def test_an_older_store_gains_the_call_key_column_filled_from_the_tags(tmp_path):
    old_store(tmp_path / "old.db").close()
    store = RunStore(tmp_path / "old.db")
    keys = [(row["id"], row["call_key"], row["error"]) for row in store.calls("r1")]
    # Of two finished calls under "b" the latest keeps the key: the one a resume read back before.
    assert keys == [(1, "a", None), (2, "b", "timeout"), (3, None, None), (4, "b", None), (5, None, None)]
    assert store.finished_call("r1", "p1", "b")["id"] == 4 and store.finished_call("r1", "p1", "a")["id"] == 1
    plan = store.db.execute("explain query plan select * from calls where run_id = ? and problem_id = ? and "
                            "call_key = ? and error is null", ["r1", "p1", "b"]).fetchall()
    assert "idx_calls_finished_call_key" in str(plan), plan
    with pytest.raises(Exception, match="UNIQUE"):
        store.db["calls"].insert({"run_id": "r1", "problem_id": "p1", "call_key": "b", "error": None})
