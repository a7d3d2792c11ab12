"""Issue 17 §1–5: problem identity, kill-safe lemma votes, run leases, a full disk, damaged and
newer stores. Runs go through the CLI against the scripted server; kills are real exits."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlite_utils

from lemmata.agent.evaluation.batch import BatchPlan, start_batch
from lemmata.agent.config import load_config
from lemmata.agent.problems import Problem
from lemmata.memory import RunStore, StoredProblem
from lemmata.memory import run_lease
from lemmata.memory.store import SCHEMA_VERSION
from lemmata.memory.store_errors import NewerSchemaError, RunLeasedError
from tests.conftest import REPO, complete_solution, run_cli
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply

SUMMARY = r"""<lemma>
**Lemma 1:** If $n$ is an even integer then $n^2 \equiv 0 \pmod 4$.
**Proof 1:**
* **Step 1:** Write $n = 2k$ with $k$ an integer.
* **Step 2:** Then $n^2 = 4k^2 \equiv 0 \pmod 4$.
</lemma>
<lemma>
**Lemma 2:** If $n$ is an odd integer then $n^2 \equiv 1 \pmod 4$.
**Proof 2:**
* **Step 1:** Write $n = 2k+1$, so $n^2 = 4k(k+1) + 1$.
</lemma>
"""


def dataset(path: Path, word: str, answer: str) -> list[Problem]:
    rows = [{"id": f"k{i}", "problem": f"{word} problem {i}: what is the answer?", "answer": answer} for i in range(3)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    return [Problem(row["id"], row["problem"], row["answer"]) for row in rows]


def lemma_script() -> dict:
    return {"reasoner": Reply(complete_solution("So it is \\boxed{5}.")), "summarizer": Reply(SUMMARY),
            "verifier": Reply("All steps check.\n\\box{STEP-1}")}


def run_dying(args: list[str], env: dict, cwd: Path, where: str) -> subprocess.CompletedProcess:
    """`lemmata ARGS` in a process that exits at once (as under kill -9) at a fatal point:
    `summarized` = inside save_round(status="summarized"), lemmas stored, no checkpoint after."""
    launcher = textwrap.dedent(f"""
        import os, sys
        from lemmata.memory import loop_records
        saved = loop_records.save_round
        def save_round(*args, **fields):
            if fields.get("status") == {where!r}:
                os._exit(137)
            return saved(*args, **fields)
        loop_records.save_round = save_round
        from lemmata.agent.cli.main import cli
        cli(sys.argv[1:], prog_name="lemmata")
    """)
    return subprocess.run([sys.executable, "-c", launcher, *args], env={**env, "PYTHONPATH": str(REPO)},
                          cwd=cwd, capture_output=True, text=True, timeout=120)


# -- 1. problem identity ------------------------------------------------------------------------


def test_two_datasets_with_the_same_ids_never_share_a_problem_row(scripted, model_env, tmp_path):
    """The reported case: batch A, then batch B with the same ids and other texts and golds,
    then resume A. Every call of A must carry A's texts and every grade A's gold."""
    first = dataset(tmp_path / "a.jsonl", "Alpha", "5")
    second = dataset(tmp_path / "b.jsonl", "Beta", "6")
    config = load_config(overrides={"base_url": scripted.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    store = RunStore(config.store.path)
    run_a, problems_a, _ = start_batch(store, config, first, BatchPlan("a", [p.id for p in first], 1, 2))
    run_b, problems_b, _ = start_batch(store, config, second, BatchPlan("b", [p.id for p in second], 1, 2))
    store.close()
    assert [p.id for p in problems_a] == ["k0", "k1", "k2"]
    assert not {p.id for p in problems_a} & {p.id for p in problems_b}

    scripted.script.update(lemma_script())
    done = run_cli(["batch", "--resume", run_a, "--db", "runs.db", "--rounds", "1", "--revisions", "0"],
                   model_env, tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    prompts = [m["content"] for r in scripted.requests for m in r["messages"] if m["role"] == "user"]
    assert prompts and not any("Beta" in text for text in prompts)
    db = sqlite_utils.Database(tmp_path / "runs.db")
    grades = list(db["grades"].rows_where("run_id = ?", [run_a]))
    assert len(grades) == 3 and {g["gold"] for g in grades} == {"5"}
    assert {g["verdict"] for g in grades} == {"correct"}
    lemma_problems = {row["problem_id"] for row in db["lemmas"].rows}
    assert lemma_problems <= {"k0", "k1", "k2"}


def test_the_same_problem_added_twice_keeps_one_row(tmp_path):
    store = RunStore(tmp_path / "runs.db")
    problem = StoredProblem("p", "What is 2+2?", "4")
    assert store.add_problem(problem) == store.add_problem(problem) == "p"
    other = store.add_problem(StoredProblem("p", "What is 2+2?", "5"))
    assert other != "p" and store.problem("p").answer == "4" and store.problem(other).answer == "5"


# -- 2. a kill between storing a round's lemmas and its checkpoint -----------------------------


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
def test_lemmas_stored_before_a_kill_get_their_full_votes_on_resume(scripted, model_env, tmp_path):
    scripted.script.update(lemma_script())
    args = ["solve", "What is the residue of an even square mod 4?", "--rounds", "1", "--revisions", "0",
            "--votes", "3", "--db", "runs.db", "--quiet"]
    killed = run_dying(args, model_env, tmp_path, "summarized")
    assert killed.returncode == 137, killed.stderr
    db = sqlite_utils.Database(tmp_path / "runs.db")
    run_id = next(db["runs"].rows)["id"]
    assert [row["votes"] for row in db["lemmas"].rows] == [0, 0]  # stored, unverified

    resumed = run_cli(["solve", "--resume", run_id, "--votes", "3", "--db", "runs.db", "--quiet"], model_env, tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert [row["votes"] for row in db["lemmas"].rows] == [3, 3]
    assert db["lemma_votes"].count == 6


# -- 3. run leases -------------------------------------------------------------------------------


def test_a_run_held_by_a_live_process_is_refused_and_a_dead_holders_lease_taken_over(scripted, model_env,
                                                                                       tmp_path):
    scripted.script.update(lemma_script())
    store = RunStore(tmp_path / "runs.db")
    run_id = store.start_run("solve", {})
    holder = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        with store.transaction() as db:
            db["run_leases"].insert({"run_id": run_id, "pid": holder.pid, "host": os.uname().nodename,
                                     "token": "t", "acquired_at": "2026-01-01", "heartbeat_at": "2026-01-01"})
        try:
            run_lease.acquire(store, run_id)
            raise AssertionError("a live holder's lease was taken")
        except RunLeasedError as error:
            assert f"pid {holder.pid}" in str(error)
    finally:
        holder.communicate(b"")
    token = run_lease.acquire(store, run_id)  # the holder is dead now
    assert next(store.db["run_leases"].rows)["token"] == token
    store.close()


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
def test_a_second_process_resuming_a_leased_run_says_who_holds_it_and_exits_1(scripted, model_env, tmp_path):
    scripted.script.update(lemma_script())
    args = ["solve", "What is 5?", "--rounds", "1", "--revisions", "0", "--db", "runs.db", "--quiet"]
    assert run_dying(args, model_env, tmp_path, "summarized").returncode == 137
    store = RunStore(tmp_path / "runs.db")
    run_id = next(store.db["runs"].rows)["id"]
    holder = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        with store.transaction() as db:
            db["run_leases"].upsert({"run_id": run_id, "pid": holder.pid, "host": os.uname().nodename,
                                     "token": "t", "acquired_at": "x", "heartbeat_at": "2026-01-01"}, pk="run_id")
        calls = store.db["calls"].count
        second = run_cli(["solve", "--resume", run_id, "--db", "runs.db"], model_env, tmp_path)
    finally:
        holder.communicate(b"")
    assert second.returncode == 1
    assert f"pid {holder.pid}" in second.stderr and "Traceback" not in second.stderr
    assert store.db["calls"].count == calls, "the refused process paid for calls"
    store.close()


# -- 4. a full disk ---------------------------------------------------------------------------------


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
def test_a_full_disk_mid_batch_stops_with_one_line_and_resume_finishes(scripted, model_env, tmp_path):
    """The store is capped with PRAGMA max_page_count (what a full disk looks like to SQLite)."""
    write = dataset(tmp_path / "set.jsonl", "Gamma", "5")
    scripted.script.update(lemma_script())
    RunStore(tmp_path / "runs.db").close()
    pages = sqlite3.connect(tmp_path / "runs.db").execute("pragma page_count").fetchone()[0]
    launcher = textwrap.dedent(f"""
        import sys
        from lemmata.memory import store
        opened = store.RunStore._open
        def capped(self, path):
            opened(self, path)
            self.db.execute("PRAGMA max_page_count = {pages + 6}")
        store.RunStore._open = capped
        from lemmata.agent.cli.main import cli
        cli(sys.argv[1:], prog_name="lemmata")
    """)
    args = ["batch", "set.jsonl", "--samples", "2", "--rounds", "2", "--revisions", "0", "--db", "runs.db"]
    full = subprocess.run([sys.executable, "-c", launcher, *args], env={**model_env, "PYTHONPATH": str(REPO)},
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr and "disk full" in full.stderr
    error_lines = [line for line in full.stderr.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1 and "--resume" in error_lines[0]
    db = sqlite_utils.Database(tmp_path / "runs.db")
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    run_id = next(db["runs"].rows)["id"]
    stored_calls = {row["id"] for row in db["calls"].rows}

    resumed = run_cli(["batch", "--resume", run_id, "--db", "runs.db"], model_env, tmp_path, timeout=180)
    assert resumed.returncode == 0, resumed.stderr
    assert stored_calls <= {row["id"] for row in db["calls"].rows}  # nothing recorded was lost
    assert {row["status"] for row in db["samples"].rows} == {"verified"}
    assert db["grades"].count == 2 * len(write)


# -- 5. damaged and newer stores ---------------------------------------------------------------------

VERBS = [["show", "abc"], ["report", "abc"], ["sessions"], ["lemmas", "list", "--problem", "k0"], ["batch", "--resume", "abc"],
         ["solve", "--resume", "abc"], ["export", "--format", "verl", "--out", "x.jsonl"]]


@pytest.mark.slow
def test_a_garbage_or_truncated_store_gives_one_line_on_every_verb(model_env, tmp_path):
    RunStore(tmp_path / "good.db").close()
    (tmp_path / "garbage.db").write_bytes(b"this is not sqlite" * 300)
    whole = (tmp_path / "good.db").read_bytes()
    (tmp_path / "truncated.db").write_bytes(whole[: len(whole) // 3])
    (tmp_path / "adir.db").mkdir()
    for name in ("garbage.db", "truncated.db", "adir.db"):
        for verb in VERBS:
            done = run_cli([*verb, "--db", name], model_env, tmp_path)
            assert done.returncode != 0, (name, verb)
            assert "Traceback" not in done.stderr, (name, verb, done.stderr)
            assert len(done.stderr.strip().splitlines()) == 1, (name, verb, done.stderr)


def test_a_store_from_a_newer_schema_is_read_but_never_written(tmp_path):
    RunStore(tmp_path / "runs.db").close()
    connection = sqlite3.connect(tmp_path / "runs.db")
    connection.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                       "values ('lemmata', 'm999_from_the_future', '2030-01-01')")
    connection.commit()
    before = connection.execute("select count(*) from runs").fetchone()[0]
    connection.close()
    store = RunStore(tmp_path / "runs.db")
    assert store.db["runs"].count == before
    try:
        store.start_run("solve", {})
        raise AssertionError("a newer store was written")
    except NewerSchemaError as error:
        assert "m999_from_the_future" in str(error)
    store.close()
    connection = sqlite3.connect(tmp_path / "runs.db")
    connection.execute("pragma user_version = 999")
    connection.execute("delete from _sqlite_migrations where name = 'm999_from_the_future'")
    connection.commit()
    connection.close()
    assert RunStore(tmp_path / "runs.db").newer_schema == f"schema version 999 > {SCHEMA_VERSION}"


def test_an_old_store_is_migrated_without_losing_its_problems(tmp_path):
    """A store written before m_i17_problem_identity keeps its rows and gains content hashes."""
    from lemmata.memory.migrations import migrations

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m_i17_problem_identity")
    db["problems"].insert({"id": "k0", "text": "Old text", "answer": "1", "kind": "answer"})
    db.close()
    store = RunStore(path)
    assert store.problem("k0").text == "Old text"
    assert store.add_problem(StoredProblem("k0", "Old text", "1")) == "k0"
    assert store.add_problem(StoredProblem("k0", "New text", "1")) != "k0"
    store.close()
