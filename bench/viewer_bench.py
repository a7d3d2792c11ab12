"""Viewer latency: a batch run of P problems x S samples (each sample with R rounds and a grade)
written straight into a fresh store, then the viewer's pages fetched over HTTP.
Reports the median and worst time of each page over N fetches.
Run: python -m bench.viewer_bench [--problems 30 --samples 64 --rounds 8 --fetches 5]

Measured 2026-11-29 (2 shared cores, load average 13.5), 30 x 64 x 8: runs page 0.031 s, run grid
0.220 s, one sample 0.024 s (medians of 5 fetches; worst 0.047 / 0.224 / 0.036 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from lemmata.agent.viewer.server import make_server
from lemmata.memory import RunStore, StoredProblem
from lemmata.memory.store import now


def fill(store: RunStore, problems: int, samples: int, rounds: int) -> str:
    ids = [f"p{i:03d}" for i in range(problems)]
    for pid in ids:
        store.add_problem(StoredProblem(pid, f"Problem {pid}: find $x$ with $x^2 = {pid[1:]}$.", "1"))
    run_id = store.start_run("batch", {"defaults": {"model": "bench"}, "batch": {
        "dataset": "bench", "problem_ids": ids, "samples": samples, "concurrency": 16}})
    stamp = now()
    with store.transaction() as db:
        db["samples"].insert_all(
            {"run_id": run_id, "problem_id": pid, "sample": s, "status": "unverified", "answer": str(s % 3),
             "solution": "So $x = 1$.", "created_at": stamp} for pid in ids for s in range(samples))
        db["grades"].insert_all(
            {"run_id": run_id, "problem_id": pid, "sample": s, "verdict": "correct" if s % 3 == 1 else "incorrect",
             "decided_by": "exact", "gold": "1", "created_at": stamp} for pid in ids for s in range(samples))
        db["rounds"].insert_all(
            {"run_id": run_id, "problem_id": pid, "shot": s, "round": r, "verdict": "partial", "status": "verified",
             "new_lemmas": 0, "created_at": stamp} for pid in ids for s in range(samples) for r in range(1, rounds + 1))
    store.finish_run(run_id)
    return run_id


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--problems", type=int, default=30)
    parser.add_argument("--samples", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--fetches", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(Path(folder) / "bench.db")
        run_id = fill(store, args.problems, args.samples, args.rounds)
        store.close()
        server = make_server(Path(folder) / "bench.db", port=0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        pages = {"runs": "/", "run grid": f"/run/{run_id}", "sample": f"/run/{run_id}/p007/13"}
        results = {}
        try:
            for name, path in pages.items():
                times = [fetch(base + path) for _ in range(args.fetches)]
                results[name] = {"median_s": round(statistics.median(times), 4), "max_s": round(max(times), 4)}
        finally:
            server.shutdown()
            server.server_close()
    print(json.dumps({"problems": args.problems, "samples": args.samples, "rounds": args.rounds, **results}, indent=1))


if __name__ == "__main__":
    main()
