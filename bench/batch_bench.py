"""Batch throughput: P problems x S samples against a scripted server with a fixed latency per
request and a cap on concurrent requests. Reports wall time against the ideal (total server
work / server concurrency).  Run: python -m bench.batch_bench [--problems 200 --samples 4]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOLUTION = ("## Verdict\ncomplete solution\n## Method sketch\nDirect.\n## Detailed solution\n"
            "The answer is \\boxed{42}.\n## Conjectures\nnone")


def write_inputs(directory: Path, problems: int, latency: float) -> None:
    script = {
        "reasoner": {"content": SOLUTION, "delay": latency},
        "summarizer": {"content": "NO NEW LEMMAS", "delay": latency},
        "verifier": {"content": "Checked. \\box{STEP-1}", "delay": latency},
    }
    (directory / "script.json").write_text(json.dumps(script))
    rows = [{"id": f"b{i:04d}", "problem": f"Bench problem {i}: compute the answer.", "answer": "42"}
            for i in range(problems)]
    (directory / "set.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n")


def start_server(directory: Path, max_concurrent: int) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "lemmata.engines.llm.scripted_server", str(directory / "script.json"), "--model", "scripted",
         "--max-concurrent", str(max_concurrent), "--stats", str(directory / "stats.json")],
        cwd=REPO, stdout=subprocess.PIPE, text=True)
    base_url = server.stdout.readline().strip()
    return server, base_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=200)
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per request")
    parser.add_argument("--server-concurrency", type=int, default=32)
    parser.add_argument("--concurrency", type=int, default=64, help="samples in flight (client)")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="lemmata-batch-bench-"))
    write_inputs(directory, args.problems, args.latency)
    server, base_url = start_server(directory, args.server_concurrency)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    env.update(LEMMATA_BASE_URL=base_url, LEMMATA_MODEL="scripted", PYTHONPATH=str(REPO))
    (directory / "lemmata.toml").write_text("[loop]\nprocess_votes = 1\n")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "lemmata.agent.cli.main", "batch", "set.jsonl", "--samples", str(args.samples),
         "--concurrency", str(args.concurrency), "--rounds", "1", "--revisions", "0", "--db", "runs.db"],
        cwd=directory, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    stats = json.loads((directory / "stats.json").read_text())
    requests = sum(stats["completed"].values())
    ideal = stats["busy_seconds"] / args.server_concurrency
    summary = {
        "problems": args.problems, "samples": args.samples, "latency_s": args.latency,
        "server_concurrency": args.server_concurrency, "client_concurrency": args.concurrency,
        "requests": requests, "server_work_s": round(stats["busy_seconds"], 1),
        "ideal_s": round(ideal, 1), "wall_s": round(wall, 1), "over_ideal_pct": round(100 * (wall - ideal) / ideal, 1),
        "serving_span_s": round(stats["span_seconds"], 1),
        "span_over_ideal_pct": round(100 * (stats["span_seconds"] - ideal) / ideal, 1),
        "exit_code": done.returncode, "last_line": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:],
    }
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "batch_bench.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
