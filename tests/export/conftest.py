"""A recorded scripted run (three rounds, two lemmas, one revision), made once per module."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.config import Config, load_config
from agent.problems import problem_from_text
from agent.solve import SolveResult, solve_problem
from memory import RunStore
from tests.agent.loop_script import PROBLEM, three_round_script
from tests.conftest import SENTINEL_KEY
from tests.scripted_server import MODEL_NAME, ScriptedServer

GOLD = "2"
DATASET = "bench/data/residues.jsonl"


@dataclass
class RecordedRun:
    config: Config
    store: RunStore
    result: SolveResult
    tmp: Path

    @property
    def db(self) -> Path:
        return Path(self.config.store.path)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordedRun]:
    """The three-round script solved with the sentinel key configured, then graded correct."""
    tmp = tmp_path_factory.mktemp("recorded")
    with ScriptedServer() as server:
        server.script.update(three_round_script())
        config = load_config(overrides={"base_url": server.base_url, "model": MODEL_NAME},
                             environ={"LEMMATA_API_KEY": SENTINEL_KEY})
        config.store.path = tmp / "runs.db"
        config.client.backoff_initial = 0.01
        config.loop.rounds = 3
        store = RunStore(config.store.path)
        problem = problem_from_text(PROBLEM, answer=GOLD, source=DATASET)
        result = asyncio.run(solve_problem(problem, config, store))
    with store.transaction() as db:
        db["grades"].insert({"run_id": result.run_id, "problem_id": result.problem_id, "sample": result.shot,
                             "verdict": "correct", "decided_by": "rules", "extracted": result.answer, "gold": GOLD})
    yield RecordedRun(config, store, result, tmp)
    store.close()
