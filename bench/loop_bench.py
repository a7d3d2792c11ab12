"""Lemma-loop orchestration benchmark: N problems x R rounds against the scripted server.

Prints the orchestration overhead (wall time beyond the server's own busy time), the reasoner
prompt size per round against the text produced so far, and the shared-prefix ratio between
consecutive reasoner prompts of a shot.  Run: python -m bench.loop_bench [--problems 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lemmata.agent.config import load_config, updated
from lemmata.agent.problems import Problem
from lemmata.agent.loop.solve import solve_problem
from lemmata.memory import RunStore
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply, ScriptedServer, serve_until_terminated

FILLER = " ".join(f"w{i}" for i in range(150))  # ~150 tokens of reasoning per answer


def reasoner_reply(body: dict, rounds: int) -> Reply:
    note = body["messages"][-1]["content"].rsplit("### This round ###", 1)[-1]
    round_number = int(note.split("Round ")[1].split()[0])
    verdict = "complete solution" if round_number >= rounds else "partial solution"
    text = (f"## Verdict\n{verdict}\n## Method sketch\nStep by step.\n## Detailed solution\n{FILLER}\n"
            f"The answer is \\boxed{{{round_number}}}.\n## Conjectures\nnone")
    return Reply(text, reasoning=FILLER)


def summarizer_reply(body: dict) -> Reply:
    system = body["messages"][0]["content"]
    first = int(system.split("Number new lemmas from ")[1].split()[0])
    problem = body["messages"][-1]["content"].split("### Problem ###\n")[1].split("\n")[0]
    blocks = [
        f"<lemma>\nLemma {n}: For {problem} the quantity $q_{{{n}}}$ is bounded by {n} times the previous one.\n"
        f"Proof {n}:\nStep 1: {FILLER[:200]}\nStep 2: By Lemma {max(1, n - 1)} it follows.\n</lemma>"
        for n in (first, first + 1)
    ]
    return Reply("\n".join(blocks))


def shared_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a, b]))


def prompt_text(body: dict) -> str:
    return "\n".join(m["content"] for m in body["messages"])


def serve(stats: Path, rounds: int, token_latency: float) -> None:
    """The scripted model, in its own process so that its work does not share the client's GIL."""
    server = ScriptedServer({
        "reasoner": lambda body: reasoner_reply(body, rounds),
        "summarizer": summarizer_reply,
        "verifier": Reply("Checked.\n\\box{STEP-1}"),
    }, token_latency=token_latency)
    serve_until_terminated(server, stats)


async def run(problems: int, rounds: int, token_latency: float, budget: int) -> dict:
    directory = Path(tempfile.mkdtemp(prefix="lemmata-bench-"))
    stats_path = directory / "server.json"
    server = subprocess.Popen([sys.executable, "-m", "bench.loop_bench", "--serve", str(stats_path),
                               "--rounds", str(rounds), "--token-latency", str(token_latency)],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
    base_url = server.stdout.readline().strip()
    config = load_config(overrides={"base_url": base_url, "model": MODEL_NAME}, environ={})
    config = updated(updated(config, "store", path=directory / "runs.db"), "loop", rounds=rounds,
                     library_budget_tokens=budget)
    store = RunStore(config.store.path)
    started = time.monotonic()
    for index in range(problems):
        problem = Problem(f"bench-{index}", f"problem number {index}: bound the sequence q.")
        await solve_problem(problem, config, store)
    wall = time.monotonic() - started
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    served = json.loads(stats_path.read_text())
    busy = served["union_busy_seconds"]

    per_round: dict[int, list[int]] = {}
    ratios = []
    for (problem_id,) in store.db.execute("select distinct problem_id from calls"):
        prompts_of_shot = [prompt_text({"messages": json.loads(row[0])}) for row in store.db.execute(
            "select messages from calls where problem_id = ? and role = 'reasoner' and error is null order by id",
            [problem_id])]
        for round_index, text in enumerate(prompts_of_shot[:rounds], start=1):
            per_round.setdefault(round_index, []).append(len(text))
        for a, b in zip(prompts_of_shot, prompts_of_shot[1:rounds]):
            ratios.append(shared_prefix(a, b) / min(len(a), len(b)))
    produced = store.db.execute("select sum(length(choices)) from calls").fetchone()[0]
    return {
        "problems": problems, "rounds": rounds, "token_latency_s": token_latency, "library_budget_tokens": budget,
        "wall_s": round(wall, 2), "server_busy_s": round(busy, 2),
        "overhead_pct": round(100 * (wall - busy) / busy, 2),
        "reasoner_prompt_chars_by_round": {r: int(statistics.mean(v)) for r, v in sorted(per_round.items())},
        "text_produced_chars": produced,
        "shared_prefix_ratio_min": round(min(ratios), 4), "shared_prefix_ratio_mean": round(statistics.mean(ratios), 4),
        "calls": sum(served["completed"].values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--token-latency", type=float, default=0.002)
    parser.add_argument("--budget", type=int, default=16000, help="library budget in tokens")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.rounds, args.token_latency)
        return
    summary = asyncio.run(run(args.problems, args.rounds, args.token_latency, args.budget))
    out = Path("bench/out")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"loop_bench_budget{args.budget}.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
