"""The report of a hand-made run: exact numbers, refusals, and every rendering."""

from __future__ import annotations

import io
import json
import math
import re
from fractions import Fraction

import pytest
from rich.console import Console

from lemmata.agent.evaluation.metrics import MetricError
from lemmata.agent.evaluation.report import RunData, build_report, default_ks, report_from_json, to_json
from lemmata.agent.evaluation.report_html import to_html
from lemmata.agent.evaluation.report_text import report_renderable, to_markdown
from tests.evaluation.runs import outcome, ten_by_four


def exactly(value: Fraction | int) -> float:
    return float(Fraction(value))


@pytest.fixture(scope="module")
def report():
    return build_report(ten_by_four())


@pytest.fixture(scope="module")
def hostile_report():
    """Problem ids and answers that are markup in every format we write."""
    samples = [outcome("<img src=x onerror=alert(1)>", j, "s", j < 2, answer="<script>alert('x')</script>")
               for j in range(4)]
    samples += [outcome("a|b [bold]$x$", j, "t", j == 0, answer="a | b\nnext") for j in range(4)]
    return build_report(RunData("<run>", "<data>", "now", "<model>", samples))


def render(renderable, width: int = 120) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_ten_problems_by_four_samples_give_the_hand_computed_means(report):
    # c per problem is 0,1,2,3,4,0,1,2,3,4 (n = 4), so the overall means are twice the sum over
    # c = 0..4, divided by 10.
    overall = report.overall.scores
    assert report.ks == [1, 2, 4]
    # pass@1 = c/4: (0 + 1/4 + 2/4 + 3/4 + 1) * 2 / 10 = 1/2
    assert overall.pass_at_1 == overall.pass_at_k[1] == exactly(Fraction(1, 2))
    # pass@2 = 1 - C(4-c, 2)/6 = 0, 1/2, 5/6, 1, 1 -> (10/3) * 2 / 10 = 2/3
    assert overall.pass_at_k[2] == exactly(Fraction(2, 3))
    # pass@4 = 1 whenever c > 0: 8 of 10
    assert overall.pass_at_k[4] == exactly(Fraction(4, 5))
    # G-Pass@2 at tau 0.75 and 1 needs m = 2: C(c,2)/6 = 0, 0, 1/6, 1/2, 1 -> (5/3) * 2 / 10 = 1/3;
    # at tau 0.25 and 0.5, m = 1, which is pass@2.
    assert overall.g_pass_at_k[2] == {0.25: exactly(Fraction(2, 3)), 0.5: exactly(Fraction(2, 3)),
                                      0.75: exactly(Fraction(1, 3)), 1.0: exactly(Fraction(1, 3))}
    # k = n = 4 draws everything, so G-Pass@4 with m = 1, 2, 3, 4 is the share of problems with c >= m.
    assert overall.g_pass_at_k[4] == {0.25: 0.8, 0.5: 0.6, 0.75: 0.4, 1.0: 0.2}
    # G-Pass@1 is pass@1 at every tau (m = 1)
    assert set(overall.g_pass_at_k[1].values()) == {0.5}
    # mG-Pass@2 = (2/2) G-Pass@2_1 = 1/3; mG-Pass@4 = (2/4)(G-Pass@4_0.75 + G-Pass@4_1) = (0.4 + 0.2)/2
    assert overall.mg_pass_at_k == {2: exactly(Fraction(1, 3)), 4: exactly(Fraction(3, 10))}


def test_means_come_with_their_standard_error_over_problems(report):
    spread = report.overall.standard_error
    # pass@1 is c/4 = 0, 1/4, 1/2, 3/4, 1 twice: squared deviations from 1/2 sum to 2 * 5/8 = 5/4;
    # variance 5/4 / 9, standard error sqrt(5/36 / 10) = sqrt(1/72).
    assert spread.pass_at_1 == pytest.approx(math.sqrt(1 / 72), rel=1e-12)
    # mG-Pass@4 is 0, 0, 0, 1/2, 1 twice around 3/10: deviations squared sum to 2 * 4/5 = 8/5;
    # variance 8/45, standard error sqrt(8/450) = 2/15.
    assert spread.mg_pass_at_k[4] == pytest.approx(2 / 15, rel=1e-12)
    single = build_report(RunData("one", None, "now", None, [outcome("p", j, "1", j == 0) for j in range(2)]))
    assert single.overall.standard_error is None and "±" not in to_markdown(single)


def test_majority_and_verifier_votes_by_hand(report):
    overall = report.overall.scores
    # Expected maj@k with classes right (c) and wrong (4 - c), ties shared: maj@1 = c/4;
    # maj@2 = 0, 1/4, 1/2, 3/4, 1 (a 1-1 pair is half a win); maj@4 = 0, 0, 1/2, 1, 1. Each mean is 1/2.
    assert overall.maj_at_k == {1: 0.5, 2: 0.5, 4: 0.5}
    # Verifier vote over the first k, right 0.8 vs wrong 0.2: p0..p4 (right first) win whenever c > 0.
    # p5..p9 put wrong first: k=1 only p9 wins; k=2 p8 (0.2 vs 0.8) and p9; k=4 every c > 0 wins.
    assert overall.verifier_vote_at_k == {1: 0.5, 2: 0.6, 4: 0.8}
    # Best-of-k: a right sample always outranks a wrong one here, so it wins when one is among the first k.
    assert overall.best_of_k == {1: 0.5, 2: 0.6, 4: 0.8}
    p6 = report.problems[6]
    assert (p6.c, p6.scores.verifier_vote_at_k) == (1, {1: 0.0, 2: 0.0, 4: 1.0})
    assert report.problems[2].scores.maj_at_k == {1: 0.5, 2: 0.5, 4: 0.5}


def test_problems_keep_their_order_counts_answers_tokens_and_time(report):
    assert [p.problem_id for p in report.problems] == [f"p{i}" for i in range(10)]
    assert [(p.c, p.n) for p in report.problems] == [(i % 5, 4) for i in range(10)]
    p3 = report.problems[3]
    assert p3.tokens_by_role == {"reasoner": 1600, "verifier": 40} and p3.tokens == 1640
    assert p3.wall_s == 6.0
    assert (p3.top_answer, p3.top_answer_votes) == (r"\frac{84}{2}", 3)
    # p7 is wrong, wrong, right, right: a tie goes to the answer seen first
    assert (report.problems[7].top_answer, report.problems[7].top_answer_votes) == (r"\frac{82}{2}", 2)
    assert report.problems[5].statuses == {"done": 3, "error": 1}
    overall = report.overall
    assert (overall.problems, overall.samples) == (10, 40)
    assert overall.tokens_by_role == {"reasoner": 400 * 55, "verifier": 400}
    assert overall.tokens_per_problem == 2240
    assert overall.wall_s == 60.0
    assert overall.statuses == {"done": 39, "error": 1}


@pytest.mark.parametrize(("n", "ks"), [(1, [1]), (4, [1, 2, 4]), (6, [1, 2, 4, 6]), (48, [1, 2, 4, 8, 16, 32, 48])])
def test_default_ks_are_powers_of_two_up_to_n_then_n(n, ks):
    assert default_ks(n) == ks


def test_default_ks_follow_the_problem_with_fewest_samples():
    run = ten_by_four()
    kept = [s for s in run.samples if (s.problem_id, s.sample) != ("p3", 3)]
    short = RunData(run.run_id, None, run.created_at, None, kept)
    assert build_report(short).ks == [1, 2, 3]


def test_k_above_the_fewest_samples_is_refused_naming_the_problem():
    run = ten_by_four()
    kept = [s for s in run.samples if s.problem_id != "p3" or s.sample < 2]
    short = RunData(run.run_id, None, run.created_at, None, kept)
    with pytest.raises(MetricError, match=r"^k=4 needs at least 4 samples per problem; problem p3 has 2\."):
        build_report(short, ks=[1, 4])
    with pytest.raises(MetricError, match="k=8 needs at least 8 samples per problem; problem p0 has 4"):
        build_report(ten_by_four(), ks=[8])


def test_an_empty_run_or_a_repeated_sample_is_refused():
    with pytest.raises(MetricError, match="no samples"):
        build_report(RunData("empty", None, "now", None, []))
    twice = [outcome("p0", 0, "1", True), outcome("p0", 0, "1", True)]
    with pytest.raises(MetricError, match="p0"):
        build_report(RunData("dup", None, "now", None, twice))


def test_without_verifier_pass_rates_there_is_no_verifier_vote():
    report = build_report(ten_by_four(with_rates=False))
    assert report.overall.scores.verifier_vote_at_k is None
    assert all(p.scores.verifier_vote_at_k is None for p in report.problems)
    assert "vote@" not in to_markdown(report)


def test_an_empty_list_of_ks_is_refused():
    with pytest.raises(MetricError, match="no k"):
        build_report(ten_by_four(), ks=[])


def test_custom_ks_and_taus_are_honoured():
    report = build_report(ten_by_four(), ks=[2], taus=[0.5])
    assert report.ks == [2] and report.taus == [0.5]
    assert report.overall.scores.g_pass_at_k == {2: {0.5: exactly(Fraction(2, 3))}}


def test_run_data_round_trips_through_a_dict():
    run = ten_by_four()
    assert RunData.from_dict(json.loads(json.dumps(run.to_dict()))) == run


def test_json_is_stable_sorted_and_reads_back(report):
    text = to_json(report)
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["format"] == "lemmata-report/1"
    assert data["overall"]["scores"]["pass_at_k"] == {"1": 0.5, "2": exactly(Fraction(2, 3)), "4": 0.8}
    assert data["overall"]["scores"]["g_pass_at_k"]["4"] == {"0.25": 0.8, "0.5": 0.6, "0.75": 0.4, "1.0": 0.2}
    assert report_from_json(text) == report
    assert report.to_json() == text
    assert to_json(build_report(ten_by_four())) == text


def test_json_of_something_else_is_refused():
    with pytest.raises(MetricError, match="lemmata-report/1"):
        report_from_json(json.dumps({"run_id": "x"}))


def test_markdown_has_the_overall_table_then_a_row_per_problem(report):
    text = to_markdown(report)
    assert text.index("## Overall") < text.index("## Problems")
    rows = [line for line in text.splitlines() if re.match(r"\| p\d \|", line)]
    assert len(rows) == 10
    assert rows[3].startswith("| p3 | 3/4 | 75.0% | 100.0% | 100.0% | 100.0% | 50.0% |")
    assert "| mG-Pass@k | - | 33.3 ± 12.7 | 30.0 ± 13.3 |" in text


def test_markdown_cells_cannot_break_the_table_or_inject_html(hostile_report):
    text = to_markdown(hostile_report)
    assert "<script" not in text and "<img" not in text
    row = next(line for line in text.splitlines() if line.startswith("| a"))
    assert row.startswith(r"| a\|b [bold]$x$ | 1/4 |")
    assert "a \\| b next" in row


def test_rich_view_shows_overall_first_at_fixed_width(report):
    text = render(report_renderable(report))
    assert text.index("overall: mean ± standard error over 10 problems, in %") < text.index("problems (k = 4)")
    assert max(len(line) for line in text.splitlines()) <= 120
    assert "│ pass@k          │ 50.0 ± 11.8 │ 66.7 ± 12.7 │ 80.0 ± 13.3 │" in text
    assert "pass@1 50.0% ± 11.8" in text and "tokens 22,400" in text


def test_rich_view_prints_model_text_literally(hostile_report):
    text = render(report_renderable(hostile_report), width=200)
    assert "a|b [bold]$x$" in text
    assert "<script>alert('x')</script>" in text


def test_html_is_one_self_contained_page_with_three_plots(report):
    page = to_html(report)
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3
    assert "<script" not in page and "<link" not in page and "<img" not in page and "@import" not in page
    assert re.findall(r"\bsrc\s*=", page) == []
    assert all(ref.startswith("#") for ref in re.findall(r"href\s*=\s*[\"']([^\"']*)", page))
    assert all(ref.startswith("#") for ref in re.findall(r"url\(\s*['\"]?([^)'\"]*)", page))
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert "<td>p3</td><td>3/4</td>" in page


def test_html_escapes_problem_ids_and_answers(hostile_report):
    page = to_html(hostile_report)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert re.findall(r"\bsrc\s*=", page.replace("&lt;img src=x", "")) == []


def test_html_of_a_run_without_tokens_or_rates_still_renders():
    run = RunData("bare", None, "now", None, [outcome("only", j, None, None, status="error") for j in range(2)])
    page = to_html(build_report(run))
    assert page.count("<svg") == 3 and "<td>only</td><td>0/2</td>" in page
