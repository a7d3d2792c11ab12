"""Two runs side by side: flipped problems, problems only one run has, overall deltas, renderings."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from lemmata.agent.evaluation.report import RunData, build_report, report_from_json, to_json
from lemmata.agent.evaluation.report_compare import Flip, compare_reports
from tests.evaluation.runs import outcome, ten_by_four


@pytest.fixture(scope="module")
def comparison():
    """A: c = 0,1,2,3,4,0,1,2,3,4. B: p1 1->3 and p7 2->4 (gained), p3 3->1 (lost), p2 stays 2/4
    (half is not solved), p9 dropped, p10 (4/4) added."""
    a = build_report(ten_by_four("run-a"))
    b_run = ten_by_four("run-b", correct=[0, 3, 2, 1, 4, 0, 1, 4, 3, 4])
    samples = [s for s in b_run.samples if s.problem_id != "p9"]
    samples += [outcome("p10", j, "42", True, rate=0.8, tokens={"reasoner": 100, "verifier": 10}) for j in range(4)]
    b = build_report(RunData("run-b", "hand-made", b_run.created_at, "scripted", samples))
    return compare_reports(a, b)


def test_flipped_problems_are_flagged(comparison):
    assert comparison.gained == ["p1", "p7"]
    assert comparison.lost == ["p3"]
    assert [p.problem_id for p in comparison.problems if p.flip is None and p.n_a and p.n_b] == [
        "p0", "p2", "p4", "p5", "p6", "p8"]


def test_problems_only_one_run_has_are_listed_not_flipped(comparison):
    assert comparison.only_in_a == ["p9"] and comparison.only_in_b == ["p10"]
    assert [p.problem_id for p in comparison.problems][-2:] == ["p9", "p10"]
    p9 = comparison.problems[9]
    assert (p9.c_a, p9.n_a, p9.c_b, p9.n_b, p9.delta, p9.flip) == (4, 4, None, None, None, None)


def test_per_problem_counts_and_pass_at_1(comparison):
    p1 = comparison.problems[1]
    assert (p1.c_a, p1.n_a, p1.pass_at_1_a, p1.c_b, p1.n_b, p1.pass_at_1_b) == (1, 4, 0.25, 3, 4, 0.75)
    assert p1.delta == 0.5 and p1.flip is Flip.GAINED


def test_overall_deltas_are_b_minus_a(comparison):
    overall = {m.name: m for m in comparison.overall}
    # A: mean c/n = 1/2. B: c = 0,3,2,1,4,0,1,4,3 and 4 for p10 -> 22/40.
    assert (overall["pass@1"].a, overall["pass@1"].b) == (0.5, 22 / 40)
    assert overall["pass@1"].delta == 22 / 40 - 0.5
    assert list(overall) == ["pass@1", "pass@2", "pass@4", "maj@1", "maj@2", "maj@4", "verifier vote@1",
                             "verifier vote@2", "verifier vote@4", "best-of-1", "best-of-2", "best-of-4",
                             "mG-Pass@2", "mG-Pass@4",
                             "tokens per problem", "wall s per problem", "problems"]
    assert (overall["problems"].a, overall["problems"].b) == (10, 10)


def test_markdown_has_a_row_per_problem_with_its_flip(comparison):
    text = comparison.to_markdown()
    rows = [line for line in text.splitlines() if re.match(r"\| p\d+ \|", line)]
    assert len(rows) == 11
    assert "| p1 | 1/4 | 25.0% | 3/4 | 75.0% | +50.0 pp | gained |" in rows
    assert "| p3 | 3/4 | 75.0% | 1/4 | 25.0% | -50.0 pp | lost |" in rows
    assert "| p9 | 4/4 | 100.0% | - | - | - |  |" in rows


def test_rich_view_names_the_flips(comparison):
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(comparison)
    text = console.file.getvalue()
    assert "A: run run-a   B: run run-b" in text
    assert "gained (solved in B only): p1, p7" in text and "lost (solved in A only): p3" in text
    assert "only in A: p9; only in B: p10" in text
    assert max(len(line) for line in text.splitlines()) <= 120


def test_json_lists_flips_and_deltas_with_sorted_keys(comparison):
    data = json.loads(comparison.to_json())
    assert list(data) == sorted(data)
    assert (data["gained"], data["lost"]) == (["p1", "p7"], ["p3"])
    p1 = next(p for p in data["problems"] if p["problem_id"] == "p1")
    assert (p1["flip"], p1["delta"]) == ("gained", 0.5)


def test_reports_read_back_from_json_compare_the_same(comparison):
    a = report_from_json(to_json(build_report(ten_by_four("run-a"))))
    again = compare_reports(a, a)
    assert again.gained == again.lost == [] and all(m.delta in (0, None) for m in again.overall)


def test_runs_reported_at_different_ks_compare_on_the_ks_they_share():
    run = ten_by_four()
    comparison = compare_reports(build_report(run, ks=[1, 2]), build_report(run, ks=[2, 4]))
    names = [m.name for m in comparison.overall]
    assert "pass@2" in names and "pass@4" not in names and "maj@1" not in names
    assert all(m.delta in (0, None) for m in comparison.overall)
