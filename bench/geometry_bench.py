"""Geometry benchmark: `python -m bench.geometry_bench --set jgex|imo --timeout 60 --jobs 1`.

Solves a public problem set with deduction + algebra only (no auxiliary points), prints the
proved count and median times, and writes a JSON summary to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from lemmata.engines.geometry.batch import BatchRecord, solve_many
from lemmata.engines.geometry.language import read_problems
from lemmata.engines.geometry.problem_sets import SETS

OUT = Path(__file__).resolve().parent / "out"


def summarise(records: list[BatchRecord]) -> dict:
    proved = [r.seconds for r in records if r.proved]
    unproved = [r.seconds for r in records if not r.proved]
    return {
        "problems": len(records),
        "proved": len(proved),
        "median_seconds_proved": statistics.median(proved) if proved else None,
        "median_seconds_unproved": statistics.median(unproved) if unproved else None,
        "errors": sum(r.status.startswith("error") for r in records),
        "timeouts": sum(r.status == "timeout" for r in records),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="jgex")
    parser.add_argument("--file", type=Path, help="A problem file instead of a named set.")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, help="Only the first N problems.")
    args = parser.parse_args()
    path = args.file or SETS[args.set]
    problems = read_problems(path)
    if args.limit:
        problems = dict(list(problems.items())[:args.limit])
    start = time.time()

    def show(r: BatchRecord) -> None:
        print(f"{'PROVED' if r.proved else 'no    '} {r.seconds:7.2f}s {r.steps:4d} steps  "
              f"{r.name}  {'' if r.proved else r.status[:80]}", flush=True)

    records = solve_many(problems, timeout=args.timeout, jobs=args.jobs, seed=args.seed, on_result=show)
    summary = summarise(records)
    summary.update({"set": args.file.name if args.file else args.set, "timeout": args.timeout,
                    "jobs": args.jobs, "seed": args.seed, "wall_seconds": time.time() - start,
                    "machine": platform.machine(), "python": platform.python_version()})
    OUT.mkdir(exist_ok=True)
    out = OUT / f"geometry_{summary['set']}_{time.strftime('%Y%m%d_%H%M%S')}.json"
    out.write_text(json.dumps({"summary": summary, "records": [r.as_dict() for r in records]}, indent=1))
    med = lambda x: "-" if x is None else f"{x:.2f}s"  # noqa: E731
    print(f"proved {summary['proved']}/{summary['problems']}  median proved "
          f"{med(summary['median_seconds_proved'])}  median unproved "
          f"{med(summary['median_seconds_unproved'])}  errors {summary['errors']}  "
          f"timeouts {summary['timeouts']}  -> {out}")


if __name__ == "__main__":
    main()
