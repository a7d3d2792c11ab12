"""Heuristic auxiliary-point benchmark on IMO-AG-30:
`python -m bench.geometry_aux_bench --timeout 60 [--names ...] [--jobs 1] [--set imo|jgex|...]
[--unproved-in PLAIN.json] [--symmetric-ranks N]`.

Each problem runs in its own process with a CPU-time budget (`--timeout` CPU seconds on the
engine's clock, which ends a stuck step too; the kernel's RLIMIT_CPU only backs that up):
plain deduction first, then the heuristic auxiliary-point search with what is left. Every
proof counted has passed the independent checker. Prints a table (with the candidates tried)
and totals, and writes a JSON summary to bench/out/ after every problem.
`--unproved-in` keeps only the problems a plain run (`bench.geometry_bench`'s JSON) left
unproved; `--symmetric-ranks 0` turns off the symmetric-partner trials, for comparison.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import subprocess
import time
from pathlib import Path

from lemmata.engines.geometry import auxiliary
from lemmata.engines.geometry.batch import BatchRecord, solve_many
from lemmata.engines.geometry.language import read_problems
from lemmata.engines.geometry.problem_sets import SETS

OUT = Path(__file__).resolve().parent / "out"
KILL_GRACE = 10.0
"""CPU seconds a worker may overrun its budget before the kernel's RLIMIT_CPU backstop (scaled
by batch.KERNEL_SLACK) stops it."""


def row(r: BatchRecord) -> str:
    aux = "; ".join(r.aux) if r.aux else ("-" if r.proved else r.status[:60])
    return (f"{r.name:28s} {'yes' if r.plain else 'no ':5s} {'yes' if r.proved else 'no ':5s} "
            f"{r.seconds:7.1f} {r.tried:6d} {r.phase or '-':9s}  {aux}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0, help="CPU seconds per problem.")
    parser.add_argument("--names", nargs="*", help="Only these problems.")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", choices=sorted(SETS), default="imo")
    parser.add_argument("--file", type=Path, help="A problem file instead of a named set.")
    parser.add_argument("--unproved-in", type=Path, metavar="PLAIN_JSON",
                        help="Only the problems this plain-bench JSON records as unproved.")
    parser.add_argument("--symmetric-ranks", type=int, default=auxiliary.SYMMETRIC_RANKS,
                        help="Candidates of at most this rank are tried with their symmetric "
                        "partners (0: never; for comparison).")
    args = parser.parse_args()
    path = args.file or SETS[args.set]
    problems = read_problems(path)
    if args.names:
        problems = {n: problems[n] for n in args.names}
    if args.unproved_in:
        records = json.loads(args.unproved_in.read_text())["records"]
        unproved = {r["name"] for r in records if not r["proved"]}
        problems = {n: t for n, t in problems.items() if n in unproved}
    # Workers are forked from this process, so they see the setting.
    auxiliary.SYMMETRIC_RANKS = args.symmetric_ranks
    start = time.time()
    OUT.mkdir(exist_ok=True)
    stem = f"geometry_aux_{path.stem}_{int(args.timeout)}s_{time.strftime('%Y%m%d_%H%M%S')}"
    out = OUT / f"{stem}.json"
    for n in itertools.count(2):  # two runs started in the same second keep both results
        if not out.exists():
            break
        out = OUT / f"{stem}_{n}.json"
    done: list[BatchRecord] = []
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()

    def record(r: BatchRecord) -> None:
        # Written after every problem, so a run cut short still leaves its results.
        print(row(r), flush=True)
        done.append(r)
        out.write_text(json.dumps({
            "set": path.name, "timeout_cpu_seconds": args.timeout, "jobs": args.jobs, "seed": args.seed,
            "symmetric_ranks": args.symmetric_ranks,
            "problems": len(done), "plain": sum(x.plain for x in done),
            "proved": sum(x.proved for x in done), "wall_seconds": time.time() - start,
            "machine": platform.platform(), "commit": commit, "records": [x.as_dict() for x in done]},
            indent=1))

    print(f"{'problem':28s} {'plain':5s} {'aux':5s} {'cpu s':>7s} {'tried':>6s} {'phase':9s}  aux clauses", flush=True)
    records = solve_many(problems, timeout=args.timeout, jobs=max(1, args.jobs), seed=args.seed,
                         on_result=record, aux="heuristic", kill_grace=KILL_GRACE)
    plain = sum(r.plain for r in records)
    proved = sum(r.proved for r in records)
    print(f"total: {len(records)} problems, plain {plain}, with heuristics {proved} "
          f"(+{proved - plain}), {time.time() - start:.0f} s wall", flush=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
