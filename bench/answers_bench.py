"""Answer-checking benchmark: our `grade` (rules only) vs plain math-verify, side by side from one run.

Reads labelled cases from `bench/data/answer_cases.jsonl` (rebuild with
`python -m bench.data.make_answer_cases`), grades every case with both checkers, prints
accuracy, true-positive and true-negative rates (with a 95% interval half-width) and time per
case — overall, on the known failure modes, and on competition answer formats — and writes
the summary plus every disagreement to `bench/out/answers_bench.json`.

A verdict other than `correct` (incorrect, invalid, undecided) counts as "not accepted", as a
binary reward would; undecided counts are reported separately.

    python -m bench.answers_bench [--limit N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from engines.answers import Verdict, grade

CASES = Path(__file__).parent / "data" / "answer_cases.jsonl"
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
    if row.get("failure_mode") in KNOWN_FAILURE_MODES:
        return "known_failures"
    if row.get("failure_mode") in ("notation", "held_out", "held_out_2"):
        return str(row["failure_mode"])
    return "other_documented" if str(row.get("source", "")).startswith(("http", "our", "Compass", "interval")) else "competition"


def run_case(row: dict) -> CaseOutcome:
    started = time.perf_counter()
    ours = grade(row["gold"], row["response"], row.get("question"))
    ours_ms = (time.perf_counter() - started) * 1000
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
    for subset in SUBSETS:
        chosen = outcomes if subset == "all" else [o for o in outcomes if o.subset == subset]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--limit", type=int, help="Grade a seeded sample of this many cases.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    logging.getLogger("math_verify").setLevel(logging.CRITICAL)
    rows = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        rows = random.Random(args.seed).sample(rows, min(args.limit, len(rows)))
    grade("1", "\\boxed{1}")  # start the worker pool outside the timings
    console = Console(width=110)
    started = time.perf_counter()
    outcomes = [run_case(row) for row in rows]
    summary = summarise(outcomes)
    print_table(summary, console)
    disagreements = [asdict(o) for o in outcomes if (o.ours == Verdict.CORRECT) != o.math_verify]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "cases_file": str(args.cases), "cases": len(rows), "seed": args.seed, "seconds": round(time.perf_counter() - started, 1),
        "summary": [asdict(row) for row in summary], "disagreements": disagreements,
        "ours_wrong": [asdict(o) for o in outcomes if (o.ours == Verdict.CORRECT) != (o.expected == "correct")],
        "ours_undecided": [asdict(o) for o in outcomes if o.ours == Verdict.UNDECIDED],
    }, indent=2, ensure_ascii=False))
    console.print(f"wrote {args.out} ({len(disagreements)} disagreements between the checkers)")


if __name__ == "__main__":
    main()
