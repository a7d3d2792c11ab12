"""A recorded scripted run (three rounds, two lemmas, one revision), made once per module."""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lemmata.agent.config import Config, load_config
from lemmata.agent.problems import problem_from_text
from lemmata.agent.loop.solve import SolveResult, solve_problem
from lemmata.memory import RunStore
from tests.agent.loop_script import PROBLEM, three_round_script
from tests.conftest import SENTINEL_KEY, run_cli
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply, ScriptedServer

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


# A batch run: several problems with gold answers, some answered right and some wrong ----------

BATCH_PROBLEMS = 6
BATCH_SAMPLES = 2
LEMMA_BOX = ("\\boxed{Lemma 1: $42 = 6 \\cdot 7$.\nProof 1:\nStep 1: Multiply $6$ by $7$.}\n"
             "\\boxed{Lemma -1}")


def batch_gold(index: int) -> str:
    return "42" if index % 2 == 0 else str(index)


def right_answer(gold: str) -> str:
    return f"\\boxed{{{gold}}}"


def scripted_right(response: str, gold: str) -> float:
    """What the script made this response say: 1.0 when it wrote the right answer, else 0.0."""
    return 1.0 if f"Counting gives {right_answer(gold)}." in response else 0.0


def batch_reasoner_text(index: int, sample: int) -> str:
    """Sample 0 answers right, sample 1 wrong; every answer is followed by lemma boxes, so the last
    box of every response is a lemma. Problem 5 writes its lemmas without the `## Lemmas` heading,
    and problem 3's wrong sample gives no boxed answer at all."""
    gold = batch_gold(index)
    answer = right_answer(gold) if sample == 0 else ("no answer" if index == 3 else f"\\boxed{{{int(gold) + 1}}}")
    solution = f"Counting gives {answer}."
    if index == 5:
        return (f"## Verdict\ncomplete solution\n\n## Method sketch\nDirect.\n\n## Detailed solution\n"
                f"{solution}\n\n{LEMMA_BOX}")
    return (f"## Verdict\ncomplete solution\n\n## Method sketch\nDirect.\n\n## Detailed solution\n{solution}\n\n"
            f"## Lemmas\n{LEMMA_BOX}")


def batch_script() -> dict:
    seen: Counter[int] = Counter()
    lock = threading.Lock()

    def reasoner(body: dict) -> Reply:
        index = int(re.search(r"Question (\d+):", body["messages"][-1]["content"]).group(1))
        with lock:
            sample = seen[index]
            seen[index] += 1
        # The thinking holds a wrong box: only the answer after it counts.
        return Reply(batch_reasoner_text(index, sample), reasoning="Maybe \\boxed{41}? No.")

    return {"reasoner": reasoner, "summarizer": Reply("NO NEW LEMMAS"), "verifier": Reply("\\box{STEP-1}")}


@dataclass
class BatchRun:
    db: Path
    tmp: Path
    store: RunStore


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BatchRun]:
    """`lemmata batch set.jsonl` against the scripted server, each problem solved twice and graded."""
    tmp = tmp_path_factory.mktemp("batch")
    rows = [{"id": f"q{i}", "problem": f"Question {i}: what is the answer?", "answer": batch_gold(i)}
            for i in range(BATCH_PROBLEMS)]
    (tmp / "set.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    with ScriptedServer(batch_script()) as server:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("LEMMATA_", "OPENAI_"))}
        env.update(LEMMATA_BASE_URL=server.base_url, LEMMATA_MODEL=MODEL_NAME, LEMMATA_API_KEY=SENTINEL_KEY)
        done = run_cli(["batch", "set.jsonl", "--samples", str(BATCH_SAMPLES), "--rounds", "1", "--revisions", "0",
                        "--concurrency", "2", "--db", "runs.db"], env, tmp, timeout=180)
    assert done.returncode == 0, done.stderr
    store = RunStore(tmp / "runs.db")
    yield BatchRun(tmp / "runs.db", tmp, store)
    store.close()
