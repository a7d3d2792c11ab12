"""Incremental saturation is exactly as strong as saturating from scratch:
`python -m bench.geometry_incremental_check --set imo [--names ...] [--candidates 3] [--timeout 120]`.

For each problem (goal dropped, so saturation runs to its fixpoint) the base is saturated, then
for each of the first few auxiliary candidates: a copy of the base gets the point and is
re-saturated incrementally (the aux search's path), and a fresh database over the same diagram
states every clause and saturates naively (every rule re-tried on every candidate each round,
no memory of earlier attempts). Every statement either side derived must be stored or provable
on the other side (a line or circle may be stated through other points). Prints one line per
problem and the totals; exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import copy
import sys
from typing import NamedTuple

from lemmata.engines.geometry import auxiliary
from lemmata.engines.geometry.database import Database
from lemmata.engines.geometry.deduction import Deduction
from lemmata.engines.geometry.errors import GeometryError
from lemmata.engines.geometry.facts import fact_key
from lemmata.engines.geometry.goals import why_statement
from lemmata.engines.geometry.language import parse_problem, read_problems
from lemmata.engines.geometry.matchers import MATCHERS
from lemmata.engines.geometry.problem_sets import SETS
from lemmata.engines.geometry.session import GeometrySession
from lemmata.engines.geometry.solver import state_clause


class Comparison(NamedTuple):
    """One candidate point: the clause and what each way derived that the other did not."""

    clause: str
    only_incremental: set[tuple]
    only_scratch: set[tuple]
    complete: bool
    """Both saturations reached their fixpoint (a timed-out pair is not compared)."""


def saturated(ded: Deduction, timeout: float) -> bool:
    """Run to the fixpoint; False when the deadline or the round cap stopped it."""
    ded.rounds = 0
    ded.run(lambda: False, timeout=timeout, max_rounds=1000)
    return not ded.timed_out and ded.rounds < 1000


def unproved(source: Deduction, other: Deduction) -> set[tuple]:
    """Statements derived in `source` that `other` neither stored nor can prove now (the
    same collinearity or circle may be stated with other points on each side)."""
    known = set(other.db.keys)
    out = set()
    for fact in source.db.facts:
        key = fact_key(fact.predicate, fact.points, fact.numbers)
        if key not in known and why_statement(other, fact.predicate, fact.points, fact.numbers) is None:
            out.add(key)
    return out


def compare(problem_text: str, name: str, count: int, seed: int = 0,
            timeout: float = 120.0) -> list[Comparison]:
    """Incremental versus from-scratch saturation for the first `count` candidates."""
    statement = problem_text.split("?")[0].strip()
    base = GeometrySession(seed=seed, timeout=timeout)
    status = base.build(statement, name)
    if not status.ok:
        raise GeometryError(status.message)
    base_complete = not base.ded.timed_out
    problem = parse_problem(statement, name)
    out = []
    for cand in auxiliary.candidates(problem, dict(base.ded.db.diagram.points))[:count]:
        trial = auxiliary._copy(base)
        trial.timeout = timeout
        trial.ded.timed_out = False
        if not trial.add(cand.clause).ok:
            continue
        incremental_done = base_complete and not trial.ded.timed_out
        scratch = Database(copy.deepcopy(trial.ded.db.diagram))
        for clause in trial.problem.clauses:
            state_clause(scratch, clause)
        naive = Deduction(scratch, MATCHERS, cache=False)
        scratch_done = saturated(naive, timeout)
        out.append(Comparison(cand.clause, unproved(trial.ded, naive), unproved(naive, trial.ded),
                              incremental_done and scratch_done))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="imo")
    parser.add_argument("--names", nargs="*", help="Only these problems.")
    parser.add_argument("--candidates", type=int, default=3, help="Candidates per problem.")
    parser.add_argument("--timeout", type=float, default=120.0, help="CPU seconds per saturation.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    problems = read_problems(SETS[args.set])
    if args.names:
        problems = {n: problems[n] for n in args.names}
    compared = differing = skipped = 0
    for name, text in problems.items():
        try:
            results = compare(text, name, args.candidates, args.seed, args.timeout)
        except GeometryError as exc:
            print(f"{name:40s} error: {str(exc)[:80]}", flush=True)
            continue
        bad = [r for r in results if r.complete and (r.only_incremental or r.only_scratch)]
        done = [r for r in results if r.complete]
        compared += len(done)
        differing += len(bad)
        skipped += len(results) - len(done)
        print(f"{name:40s} compared {len(done)} differ {len(bad)} timed out {len(results) - len(done)}",
              flush=True)
        for r in bad:
            print(f"  {r.clause}: only incremental {sorted(r.only_incremental)[:3]} "
                  f"only scratch {sorted(r.only_scratch)[:3]}", flush=True)
    print(f"total: {compared} candidate points compared, {differing} differ, {skipped} timed out")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
