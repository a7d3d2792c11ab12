"""Several processes writing one run store: no "database is locked", nothing lost, no duplicates."""

from __future__ import annotations

import subprocess
import sys

from lemmata.memory import LemmaLibrary, RunStore, VerifierVote
from tests.conftest import REPO
from tests.memory.conftest import draft

WRITERS = 4
SHARED, OWN = 20, 20


def write_lemmas(path: str, shot: int) -> None:
    """One batch worker: its own shot of problem p, lemmas shared with the other workers and its own.
    It says "ready" and waits for a line on stdin, so that all writers start together."""
    store = RunStore(path)
    library = LemmaLibrary(store, run_id="batch", problem_id="p", shot=shot)
    print("ready", flush=True)
    sys.stdin.readline()
    for index in range(SHARED + OWN):
        statement = f"shared claim {index}" if index < SHARED else f"claim {index} of shot {shot}"
        entry, _ = library.add(draft(str(index + 1), statement, *([str(index)] if index else [])), round=index // 5)
        library.record_vote(entry.id, VerifierVote(first_wrong_step=-1, explanation=f"shot {shot}"))
    store.close()


def test_four_writer_processes_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    RunStore(path).close()  # created (and migrated) once, as a batch driver does
    workers = [
        subprocess.Popen([sys.executable, "-c",
                          f"from tests.memory.test_lemma_concurrency import write_lemmas; "
                          f"write_lemmas({str(path)!r}, {shot})"],
                         cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for shot in range(WRITERS)
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    for worker in workers:  # all go at once
        worker.stdin.write("go\n")
        worker.stdin.flush()
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * WRITERS, errors
    store = RunStore(path)
    assert store.db["lemmas"].count == SHARED + WRITERS * OWN
    assert store.db["lemma_uses"].count == WRITERS * (SHARED + OWN)
    assert store.db["lemma_votes"].count == WRITERS * (SHARED + OWN)
    for shot in range(WRITERS):
        entries = LemmaLibrary(store, run_id="batch", problem_id="p", shot=shot).entries()
        assert [entry.number for entry in entries] == [str(n) for n in range(1, SHARED + OWN + 1)]
        shared = entries[:SHARED]
        assert all(entry.occurrences == WRITERS and entry.votes == WRITERS for entry in shared)
    store.close()
