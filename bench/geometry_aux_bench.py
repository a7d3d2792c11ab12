"""Heuristic auxiliary-point benchmark on IMO-AG-30:
`python -m bench.geometry_aux_bench --timeout 60 [--names ...] [--jobs 1]`.

Each problem runs in its own process (killed shortly after its budget): plain deduction first,
then the heuristic auxiliary-point search with what is left of the budget. Prints a table and
totals, and writes a JSON summary to bench/out/ (after every problem).

Measured 2026-11-22 (2 shared cores, load 2-7, seed 0, jobs 1): plain 15/30; with heuristics
at 60 s 22/30. At 300 s (run on the 60-s failures 2008_p1b, 2008_p6, 2010_p2, 2011_p6, 2015_p3,
2021_p3 and on the 60-s pair/batch proofs 2009_p2, 2018_p1, 2020_p1): 2010_p2 and 2015_p3 are
gained, 2020_p1 is lost (its longer single phase changes the productive batch): 23/30.
2012_p5, 2019_p2 and 2021_p3 exhaust the search in under 60 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engines.geometry.auxiliary import search
from engines.geometry.batch import run_in_workers
from engines.geometry.language import read_problems
from engines.geometry.problem_sets import SETS

IMO_AG_30 = SETS["imo"]
OUT = Path(__file__).resolve().parent / "out"
KILL_GRACE = 10.0
"""Seconds a worker may overrun its budget (a stuck saturation) before it is killed."""


@dataclass
class AuxRecord:
    """One problem's outcome."""

    name: str
    plain: bool
    """Proved by plain deduction (DD+AR, no auxiliary point)."""
    proved: bool
    """Proved with or without auxiliary points."""
    clauses: list[str] = field(default_factory=list)
    phase: str = ""
    tried: int = 0
    candidates: int = 0
    seconds: float = 0.0
    status: str = ""
    """'proved', 'unproved', 'killed' or 'error: …'."""


def run_one(name: str, text: str, timeout: float, seed: int) -> AuxRecord:
    """Search one problem in this process."""
    start = time.monotonic()
    try:
        found = search(text, timeout=timeout, seed=seed)
    except Exception as exc:  # a problem the engine cannot draw or parse is a result too
        return AuxRecord(name, False, False, seconds=time.monotonic() - start,
                         status=f"error: {type(exc).__name__}: {exc}"[:200])
    return AuxRecord(name, found.plain_proved, found.proved, found.clauses, found.phase,
                     found.tried, found.candidates, found.seconds,
                     "proved" if found.proved else "unproved")


def run_many(problems: dict[str, str], timeout: float, jobs: int, seed: int, on_result=None
             ) -> list[AuxRecord]:
    """Every problem in a killable worker process, at most `jobs` at a time."""
    results: dict[str, AuxRecord] = {}

    def failed(name: str, seconds: float, status: str) -> AuxRecord:
        return AuxRecord(name, False, False, seconds=seconds, status="killed" if status == "timeout" else status)

    for record in run_in_workers(problems, run_one, failed, timeout=timeout, jobs=jobs, seed=seed,
                                 kill_grace=KILL_GRACE):
        results[record.name] = record
        if on_result:
            on_result(record)
    return [results[n] for n in problems if n in results]


def row(r: AuxRecord) -> str:
    aux = "; ".join(r.clauses) if r.clauses else ("-" if r.proved else r.status[:60])
    return (f"{r.name:28s} {'yes' if r.plain else 'no ':5s} {'yes' if r.proved else 'no ':5s} "
            f"{r.seconds:7.1f} {r.tried:6d}  {aux}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds per problem.")
    parser.add_argument("--names", nargs="*", help="Only these problems.")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--file", type=Path, default=IMO_AG_30)
    args = parser.parse_args()
    problems = read_problems(args.file)
    if args.names:
        problems = {n: problems[n] for n in args.names}
    start = time.time()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"geometry_aux_{int(args.timeout)}s_{time.strftime('%Y%m%d_%H%M%S')}.json"
    done: list[AuxRecord] = []
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()

    def record(r: AuxRecord) -> None:
        # Written after every problem, so a run cut short still leaves its results.
        print(row(r), flush=True)
        done.append(r)
        path.write_text(json.dumps({
            "set": args.file.name, "timeout": args.timeout, "jobs": args.jobs, "seed": args.seed,
            "problems": len(done), "plain": sum(x.plain for x in done),
            "proved": sum(x.proved for x in done), "wall_seconds": time.time() - start,
            "machine": platform.platform(), "commit": commit, "records": [asdict(x) for x in done]}, indent=1))

    print(f"{'problem':28s} {'plain':5s} {'aux':5s} {'seconds':>7s} {'tried':>6s}  aux clauses",
          flush=True)
    records = run_many(problems, args.timeout, max(1, args.jobs), args.seed, on_result=record)
    plain = sum(r.plain for r in records)
    proved = sum(r.proved for r in records)
    print(f"total: {len(records)} problems, plain {plain}, with heuristics {proved} "
          f"(+{proved - plain}), {time.time() - start:.0f} s wall", flush=True)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
