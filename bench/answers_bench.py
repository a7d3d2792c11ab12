"""Answer-checking benchmark: our `grade` (rules only) vs plain math-verify, side by side from one run.

Two labelled case files: `bench/data/answer_cases.jsonl` (documented edge cases and competition
formats; the checker was tuned on it, so it measures regressions, not generality) and
`bench/data/answer_cases_fresh.jsonl` (cases written by kind for issue 14 — our own, so also not
a held-out measurement). For each: accuracy, true-positive and true-negative rates (95% half-width)
per subset or kind. Then two speed ratios, measured side by side in this run:

- `lemmata check '\\frac{14}{3}' '\\frac{14}{3}'` wall time over `python -c "import math_verify"`
  (medians of interleaved runs; target at most 1.5);
- warm per-case `grade` time over plain math-verify's, medians over the same cases (target at most 1).

A verdict other than `correct` counts as "not accepted", as a binary reward would. Writes the
summary and every miss to `bench/out/answers_bench.json`.

    python -m bench.answers_bench [--limit N] [--seed S] [--cli-runs N]
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from lemmata.engines.answers import Verdict, grade

CASES = Path(__file__).parent / "data" / "answer_cases.jsonl"
FRESH_CASES = Path(__file__).parent / "data" / "answer_cases_fresh.jsonl"
CHECK_ARGS = ["\\frac{14}{3}", "\\frac{14}{3}"]
OUT = Path(__file__).parent / "out" / "answers_bench.json"
KNOWN_FAILURE_MODES = ("ordered_tuple", "magnitude", "inverse_e", "list_one_element", "plain_text")
SUBSETS = ("all", "known_failures", "notation", "held_out", "held_out_2", "competition", "other_documented")


@dataclass
class CaseOutcome:
    """Both checkers on one case."""

    id: str
    expected: str
    subset: str
    failure_mode: str | None
    ours: str
    """Our verdict (correct / incorrect / invalid / undecided)."""
    ours_reason: str
    ours_ms: float
    math_verify: bool
    math_verify_ms: float


@dataclass
class Rates:
    """One checker on one subset."""

    checker: str
    subset: str
    cases: int
    accuracy: float
    accuracy_half_width: float
    """95% normal-approximation half-width of the accuracy."""
    true_positive_rate: float
    true_negative_rate: float
    undecided: int
    ms_per_case: float


def plain_math_verify(gold: str, response: str) -> bool:
    """math-verify as its README shows: parse both, verify (its own signal timeouts, main thread)."""
    from math_verify import parse, verify

    try:
        return bool(verify(parse(f"${gold}$"), parse(response)))
    except Exception:  # a crash of the baseline counts as "not accepted"
        return False


def subset_of(row: dict) -> str:
    if row.get("kind"):
        return f"fresh:{row['kind']}"
    if row.get("failure_mode") in KNOWN_FAILURE_MODES:
        return "known_failures"
    if row.get("failure_mode") in ("notation", "held_out", "held_out_2"):
        return str(row["failure_mode"])
    return "other_documented" if str(row.get("source", "")).startswith(("http", "our", "Compass", "interval")) else "competition"


def clear_parse_caches() -> None:
    """Both checkers start each case with cold parse caches (math-verify's and ours), so neither
    profits from the other having parsed the same LaTeX just before."""
    from math_verify import parser

    from lemmata.engines.answers.equivalence import parse_value

    parser.parse_latex_cached.cache_clear()
    parser.parse_expr_cached.cache_clear()
    parse_value.cache_clear()


def run_case(row: dict) -> CaseOutcome:
    clear_parse_caches()
    started = time.perf_counter()
    ours = grade(row["gold"], row["response"], row.get("question"))
    ours_ms = (time.perf_counter() - started) * 1000
    clear_parse_caches()
    started = time.perf_counter()
    baseline = plain_math_verify(row["gold"], row["response"])
    baseline_ms = (time.perf_counter() - started) * 1000
    return CaseOutcome(
        row["id"], row["expected"], subset_of(row), row.get("failure_mode"), ours.verdict.value, ours.reason,
        round(ours_ms, 2), baseline, round(baseline_ms, 2),
    )


def rates(outcomes: list[CaseOutcome], checker: str, subset: str) -> Rates:
    accepted = [(o.ours == Verdict.CORRECT) if checker == "ours" else o.math_verify for o in outcomes]
    right = [accept == (o.expected == "correct") for accept, o in zip(accepted, outcomes)]
    positives = [r for r, o in zip(right, outcomes) if o.expected == "correct"]
    negatives = [r for r, o in zip(right, outcomes) if o.expected != "correct"]
    accuracy = sum(right) / len(right) if right else 0.0
    times = [o.ours_ms if checker == "ours" else o.math_verify_ms for o in outcomes]
    return Rates(
        checker, subset, len(outcomes), round(accuracy, 4),
        round(1.96 * math.sqrt(accuracy * (1 - accuracy) / len(right)), 4) if right else 0.0,
        round(sum(positives) / len(positives), 4) if positives else float("nan"),
        round(sum(negatives) / len(negatives), 4) if negatives else float("nan"),
        sum(o.ours == Verdict.UNDECIDED for o in outcomes) if checker == "ours" else 0,
        round(sum(times) / len(times), 2) if times else 0.0,
    )


def summarise(outcomes: list[CaseOutcome]) -> list[Rates]:
    table = []
    kinds = sorted({o.subset for o in outcomes if o.subset.startswith("fresh:")})
    for subset in (*SUBSETS, *kinds):
        chosen = outcomes if subset == "all" else [o for o in outcomes if o.subset == subset]
        if subset == "all" and kinds:
            chosen = [o for o in outcomes if o.subset.startswith("fresh:")]
        if chosen:
            table += [rates(chosen, "ours", subset), rates(chosen, "math-verify", subset)]
    return table


def print_table(summary: list[Rates], console: Console) -> None:
    table = Table(title="answer checking: ours (rules only) vs plain math-verify")
    for column in ("subset", "checker", "cases", "accuracy", "TPR", "TNR", "undecided", "ms/case"):
        table.add_column(column, justify="left" if column in ("subset", "checker") else "right")
    for row in summary:
        table.add_row(
            row.subset, row.checker, str(row.cases), f"{row.accuracy:.3f} ± {row.accuracy_half_width:.3f}",
            f"{row.true_positive_rate:.3f}", f"{row.true_negative_rate:.3f}", str(row.undecided), f"{row.ms_per_case:.1f}",
        )
    console.print(table)


def cli_ratio(runs: int) -> dict[str, float]:
    """Median wall time of `lemmata check` (one-line answer) over `python -c "import math_verify"`, interleaved."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    check = [sys.executable, "-m", "lemmata.agent.cli.main", "check", *CHECK_ARGS]
    baseline = [sys.executable, "-c", "import math_verify"]
    times: dict[str, list[float]] = {"check": [], "import_math_verify": []}
    for _ in range(runs):
        for name, command in (("check", check), ("import_math_verify", baseline)):
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            times[name].append(time.perf_counter() - started)
            if name == "check" and done.returncode != 0:
                raise SystemExit(f"lemmata check did not say correct: {done.stdout[-300:]}")
    check_s, import_s = statistics.median(times["check"]), statistics.median(times["import_math_verify"])
    return {"check_s": round(check_s, 3), "import_math_verify_s": round(import_s, 3), "ratio": round(check_s / import_s, 2)}


def per_case_ratio(outcomes: list[CaseOutcome]) -> dict[str, float]:
    """Median warm per-case time of ours over plain math-verify's (same cases, same process)."""
    ours, theirs = statistics.median(o.ours_ms for o in outcomes), statistics.median(o.math_verify_ms for o in outcomes)
    return {"grade_median_ms": round(ours, 2), "math_verify_median_ms": round(theirs, 2), "ratio": round(ours / theirs, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, nargs="+", default=[CASES, FRESH_CASES])
    parser.add_argument("--limit", type=int, help="Grade a seeded sample of this many cases per file.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cli-runs", type=int, default=5, help="Interleaved runs of each command for the CLI ratio.")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    logging.getLogger("math_verify").setLevel(logging.CRITICAL)
    console = Console(width=110)
    report: dict[str, object] = {"seed": args.seed}
    grade("1", "\\boxed{\\frac{1}{2}}")  # imports and parser start-up outside the timings
    plain_math_verify("1", "\\boxed{\\frac{1}{2}}")
    all_outcomes: list[CaseOutcome] = []
    for cases in args.cases:
        rows = [json.loads(line) for line in cases.read_text(encoding="utf-8").splitlines() if line.strip()]
        if args.limit:
            rows = random.Random(args.seed).sample(rows, min(args.limit, len(rows)))
        started = time.perf_counter()
        outcomes = [run_case(row) for row in rows]
        summary = summarise(outcomes)
        console.print(f"[bold]{cases.name}[/bold] ({len(rows)} cases)")
        print_table(summary, console)
        all_outcomes += outcomes
        report[cases.name] = {
            "cases": len(rows), "seconds": round(time.perf_counter() - started, 1), "summary": [asdict(row) for row in summary],
            "ours_wrong": [asdict(o) for o in outcomes if (o.ours == Verdict.CORRECT) != (o.expected == "correct")],
            "disagreements": [asdict(o) for o in outcomes if (o.ours == Verdict.CORRECT) != o.math_verify],
        }
    report["per_case"] = per_case_ratio(all_outcomes)
    console.print(f"warm per-case median: grade {report['per_case']['grade_median_ms']} ms, math-verify "
                  f"{report['per_case']['math_verify_median_ms']} ms → ratio {report['per_case']['ratio']} (target ≤ 1)")
    if args.cli_runs > 0:  # --cli-runs 0 skips the start-up comparison
        report["cli"] = cli_ratio(args.cli_runs)
        console.print(f"one-line check: lemmata check {report['cli']['check_s']} s, python -c 'import math_verify' "
                      f"{report['cli']['import_math_verify_s']} s → ratio {report['cli']['ratio']} (target ≤ 1.5)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
