"""A run store with a solved problem (rounds, lemmas, votes, revisions) and a batch run holding
hostile text, and the viewer serving it on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lemmata.agent.viewer.server import make_server
from lemmata.memory import RunStore, StoredProblem
from lemmata.memory import loop_records as records
from tests.agent.test_runs import solved_run

HOSTILE = "<script>alert('x')</script> and $\\text{<img src=x onerror=alert(1)>}$ & </td>"


@dataclass
class ViewerStore:
    path: Path
    solve_run: str
    batch_run: str


@pytest.fixture
def viewer_store(scripted, tmp_path) -> ViewerStore:
    solve_run = solved_run(scripted, tmp_path)
    store = RunStore(tmp_path / "runs.db")
    problem_ids = ["hostile", "q2"]
    store.add_problem(StoredProblem("hostile", f"Evil {HOSTILE} problem", "1"))
    store.add_problem(StoredProblem("q2", "What is $\\frac{2}{2}$?", "1"))
    batch = store.start_run("batch", {"defaults": {"model": "m"}, "batch": {
        "dataset": "evil-set", "problem_ids": problem_ids, "samples": 3, "concurrency": 1}})
    for pid in problem_ids:
        for sample in range(3):
            right = sample == 0
            store.save_sample(batch, pid, sample, status="unverified", answer="1" if right else HOSTILE,
                              solution=f"So \\boxed{{{1 if right else 2}}}. {HOSTILE}")
            records.save_grade(store, batch, pid, sample, verdict="correct" if right else "incorrect",
                               decided_by="exact", gold="1")
    store.save_sample(batch, "q2", 2, status="failed", error=f"model went away {HOSTILE}")
    store.finish_run(batch)
    store.close()
    return ViewerStore(tmp_path / "runs.db", solve_run, batch)


@pytest.fixture
def viewer(viewer_store) -> Iterator[str]:
    """The base URL of a viewer over `viewer_store`, stopped after the test."""
    server = make_server(viewer_store.path, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
