"""A small fault soak (issue 11): a batch against a server that faults at random with a fixed
seed (429, 500, hangs past the idle timeout, truncation, malformed JSON, empty choices, a
3 s outage, one problem that always fails), SIGKILLed once and resumed. Every sample ends
finished or failed with its cause, nothing finished is paid for twice, databases intact.
The full run is `python -m bench.fault_soak` (100 x 2, 10 s outage, 3 kills)."""

from __future__ import annotations

import pytest

import asyncio
import json
import sqlite3

import pytest

from lemmata.agent.config import load_config
from lemmata.agent.problems import problem_from_text
from lemmata.memory.checkpoints import checkpoints_path
from lemmata.agent.loop.solve import solve_problem
from bench.fault_soak import FAULTS, SoakSettings, run_adversarial, run_soak
from lemmata.memory import RunStore
from tests.conftest import one_round_script
from lemmata.engines.llm.scripted_server import MODEL_NAME, ScriptedServer

pytestmark = pytest.mark.slow  # whole-run soak / bounds / secrets checks: the second CI step runs them


def test_a_faulty_server_and_a_kill_leave_every_sample_accounted_for(tmp_path):
    settings = SoakSettings(problems=12, samples=2, seed=0, kills=1, concurrency=8, outage_s=3.0,
                            doomed_problems=1, max_retries=8, backoff_initial=0.3, backoff_max=1.5)
    result = run_soak(settings, tmp_path, log=lambda *_: None)
    figures = result.figures
    assert result.failures == [], (result.failures, figures)

    injected = figures["server"]["faults_injected"]
    assert all(injected[kind] > 0 for kind in FAULTS), injected
    assert [3.0 <= gone < 4.0 for gone in figures["server"]["outages"]] == [True]
    assert len([p for p in result.phases if p.killed]) == 1

    samples = figures["samples"]
    assert samples["finished"] + samples["failed"] == samples["expected"] == 24
    # Only the doomed problem's samples fail, and they say why.
    assert samples["failed"] == 2 and figures["failed_outside_doomed_problems"] == 0
    assert all("HTTP 500" in cause for cause in figures["failed_causes"])

    paid = figures["paid_vs_recorded"]
    assert paid["usable_paid"] == paid["recorded_ok"] + paid["lost_in_flight_at_kills"]
    assert figures["calls"]["duplicate_ok_call_keys"] == 0
    assert figures["integrity"] == {"runs.db": "ok", "runs.checkpoints.db": "ok"}


def test_a_shot_killed_between_a_steps_writes_and_its_next_checkpoint_resumes_to_its_end(tmp_path):
    """Found by the soak: LangGraph saves each finished task's writes, then the checkpoint that
    follows them in the background; a SIGKILL in between leaves a latest checkpoint whose
    tasks all have writes, so `next` is empty although the shot never concluded. The resume
    took that for finished: the sample stayed 'running', was graded on an empty solution."""
    with ScriptedServer(one_round_script("The answer is \\boxed{7}.")) as server:
        config = load_config(overrides={"base_url": server.base_url, "model": MODEL_NAME}, environ={})
        config.store.path = tmp_path / "runs.db"
        config.loop.rounds, config.loop.revisions, config.loop.process_votes = 1, 0, 1
        store = RunStore(config.store.path)
        problem = problem_from_text("What is 3 plus 4?")
        first = asyncio.run(solve_problem(problem, config, store))
        assert first.status == "verified"
        paid = sum(server.completed.values())

        # Wind the shot back to just after `verify`: its writes saved, the next checkpoint not.
        connection = sqlite3.connect(checkpoints_path(config.store.path))
        later = [cid for cid, meta in connection.execute("select checkpoint_id, metadata from checkpoints")
                 if json.loads(meta)["step"] > 2]
        connection.executemany("delete from checkpoints where checkpoint_id = ?", [(c,) for c in later])
        connection.executemany("delete from writes where checkpoint_id = ?", [(c,) for c in later])
        connection.commit()
        connection.close()
        store.save_sample(first.run_id, first.problem_id, 0, status="running", answer=None, solution=None)

        resumed = asyncio.run(solve_problem(problem, config, store, run_id=first.run_id))
        assert resumed.status == "verified" and resumed.answer == "7"
        assert store.samples(first.run_id)[0]["status"] == "verified"
        assert sum(server.completed.values()) == paid, "the resume paid again for a finished call"


@pytest.mark.slow
def test_kills_at_the_fatal_points_concurrent_resumes_a_full_disk_and_colliding_datasets(tmp_path):
    """Issue 17's scenarios through the CLI: every count the bench reports must be 0."""
    result = run_adversarial(problems=2, samples=1, votes=2, directory=tmp_path, log=lambda *_: None)
    assert set(result["counts"]) >= {"unverified_lemmas", "calls_paid_twice", "cross_dataset_contamination",
                                     "tracebacks", "integrity_failures", "recorded_rows_lost"}
    assert result["counts"] == {name: 0 for name in result["counts"]}, result["scenarios"]
    assert [p["exit"] for p in result["scenarios"]["kill at summarized"]] == [137, 0]
