"""Two evaluation reports side by side: per-problem c/n and pass@1, flipped problems, overall deltas.

A problem counts as solved in a run when more than half of its samples are correct; it flips when
it is solved in one run and not the other.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from rich.console import Group, RenderableType
from rich.text import Text

from lemmata.agent.loop.reference import describe
from lemmata.agent.evaluation.report_text import Cells, markdown_cell, markdown_table, percent, rich_table

if TYPE_CHECKING:
    from lemmata.agent.evaluation.report import ProblemReport, Report


class Flip(StrEnum):
    GAINED = "gained"
    """Solved in B, not in A."""
    LOST = "lost"
    """Solved in A, not in B."""


class MetricDelta(NamedTuple):
    """One overall metric in both runs."""

    name: str
    a: float | None
    b: float | None
    percent: bool = True
    """Whether the values are shares (shown as %) rather than counts."""

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a


@dataclass(frozen=True)
class ProblemComparison:
    """One problem in run A and run B; the A or B fields are `None` when the run lacks the problem."""

    problem_id: str
    n_a: int | None
    c_a: int | None
    pass_at_1_a: float | None
    n_b: int | None
    c_b: int | None
    pass_at_1_b: float | None
    flip: Flip | None

    @property
    def delta(self) -> float | None:
        if self.pass_at_1_a is None or self.pass_at_1_b is None:
            return None
        return self.pass_at_1_b - self.pass_at_1_a


@dataclass(frozen=True)
class Comparison:
    """Run B measured against run A."""

    run_a: str
    run_b: str
    problems: list[ProblemComparison]
    overall: list[MetricDelta]
    reference_visible_a: bool | None = None
    """Whether run A's process verifier was shown the gold; `None`: not recorded."""
    reference_visible_b: bool | None = None

    @property
    def gained(self) -> list[str]:
        return [p.problem_id for p in self.problems if p.flip is Flip.GAINED]

    @property
    def lost(self) -> list[str]:
        return [p.problem_id for p in self.problems if p.flip is Flip.LOST]

    @property
    def only_in_a(self) -> list[str]:
        return [p.problem_id for p in self.problems if p.n_b is None]

    @property
    def only_in_b(self) -> list[str]:
        return [p.problem_id for p in self.problems if p.n_a is None]

    def header_lines(self) -> list[str]:
        """Which runs, and what their models were shown: a blind run and a sighted one do not compare."""
        lines = [f"A: run {self.run_a}   B: run {self.run_b}",
                 f"A · {describe(self.reference_visible_a)}", f"B · {describe(self.reference_visible_b)}"]
        if bool(self.reference_visible_a) != bool(self.reference_visible_b):
            lines.append("warning: only one of the runs showed its models the gold; the scores are not comparable")
        return lines

    def __rich__(self) -> RenderableType:
        return Group(*(Text(line, style="bold") for line in self.header_lines()),
                     rich_table(self._overall_cells(), "overall (each run's mean over its own problems)"),
                     rich_table(self._problem_cells(), "problems"),
                     *(Text(line) for line in self._summary_lines()))

    def to_markdown(self) -> str:
        return "\n\n".join([
            f"# Comparison: run {markdown_cell(self.run_a)} (A) vs run {markdown_cell(self.run_b)} (B)",
            "\n\n".join(markdown_cell(line) for line in self.header_lines()),
            "## Overall", markdown_table(self._overall_cells()),
            "## Problems", markdown_table(self._problem_cells()),
            *(markdown_cell(line) for line in self._summary_lines()),
        ]) + "\n"

    def to_json(self) -> str:
        """Sorted keys; per-problem and overall deltas included."""
        data = {
            "run_a": self.run_a, "run_b": self.run_b,
            "reference_visible_a": self.reference_visible_a, "reference_visible_b": self.reference_visible_b,
            "problems": [{**asdict(p), "delta": p.delta} for p in self.problems],
            "overall": [{**m._asdict(), "delta": m.delta} for m in self.overall],
            "gained": self.gained, "lost": self.lost, "only_in_a": self.only_in_a, "only_in_b": self.only_in_b,
        }
        return json.dumps(data, sort_keys=True, indent=2)

    def _overall_cells(self) -> Cells:
        rows = [[m.name, _value(m.a, m.percent), _value(m.b, m.percent), _change(m.delta, m.percent)]
                for m in self.overall]
        return Cells(["metric", "A", "B", "B − A"], rows)

    def _problem_cells(self) -> Cells:
        rows = [[p.problem_id, _fraction(p.c_a, p.n_a), percent(p.pass_at_1_a), _fraction(p.c_b, p.n_b),
                 percent(p.pass_at_1_b), _change(p.delta, True), p.flip.value if p.flip else ""]
                for p in self.problems]
        return Cells(["problem", "A c/n", "A pass@1", "B c/n", "B pass@1", "Δ pass@1", "flip"], rows, frozenset({0, 6}))

    def _summary_lines(self) -> list[str]:
        lines = [f"gained (solved in B only): {', '.join(self.gained) or 'none'}",
                 f"lost (solved in A only): {', '.join(self.lost) or 'none'}"]
        if self.only_in_a or self.only_in_b:
            lines.append(f"only in A: {', '.join(self.only_in_a) or 'none'}; "
                         f"only in B: {', '.join(self.only_in_b) or 'none'}")
        lines.append("solved = more than half of the samples correct")
        return lines


def compare_reports(a: Report, b: Report) -> Comparison:
    """Run B against run A: problems in A's order, then those only B has."""
    a_problems = {p.problem_id: p for p in a.problems}
    b_problems = {p.problem_id: p for p in b.problems}
    ids = list(a_problems) + [pid for pid in b_problems if pid not in a_problems]
    problems = [_problem(pid, a_problems.get(pid), b_problems.get(pid)) for pid in ids]
    return Comparison(a.run_id, b.run_id, problems, _overall(a, b), a.reference_visible, b.reference_visible)


def solved(problem: ProblemReport) -> bool:
    """More than half of the samples are correct."""
    return 2 * problem.c > problem.n


def _problem(pid: str, a: ProblemReport | None, b: ProblemReport | None) -> ProblemComparison:
    flip = None
    if a is not None and b is not None and solved(a) != solved(b):
        flip = Flip.GAINED if solved(b) else Flip.LOST
    return ProblemComparison(
        pid, a and a.n, a and a.c, a and a.scores.pass_at_1, b and b.n, b and b.c, b and b.scores.pass_at_1, flip)


def _overall(a: Report, b: Report) -> list[MetricDelta]:
    sa, sb = a.overall.scores, b.overall.scores
    shared = [k for k in a.ks if k in b.ks]
    deltas = [MetricDelta("pass@1", sa.pass_at_1, sb.pass_at_1)]
    deltas += [MetricDelta(f"pass@{k}", sa.pass_at_k[k], sb.pass_at_k[k]) for k in shared if k > 1]
    deltas += [MetricDelta(f"maj@{k}", sa.maj_at_k[k], sb.maj_at_k[k]) for k in shared]
    deltas += [MetricDelta(f"verifier vote@{k}", _get(sa.verifier_vote_at_k, k), _get(sb.verifier_vote_at_k, k))
               for k in shared]
    deltas += [MetricDelta(f"best-of-{k}", _get(sa.best_of_k, k), _get(sb.best_of_k, k)) for k in shared]
    deltas += [MetricDelta(f"mG-Pass@{k}", sa.mg_pass_at_k[k], sb.mg_pass_at_k[k]) for k in shared if k > 1]
    deltas += [
        MetricDelta("tokens per problem", a.overall.tokens_per_problem, b.overall.tokens_per_problem, False),
        MetricDelta("wall s per problem", a.overall.wall_s / a.overall.problems, b.overall.wall_s / b.overall.problems,
                    False),
        MetricDelta("problems", a.overall.problems, b.overall.problems, False),
    ]
    return deltas


def _get(values: dict[int, float] | None, k: int) -> float | None:
    return None if values is None else values[k]


def _fraction(c: int | None, n: int | None) -> str:
    return "-" if n is None else f"{c}/{n}"


def _value(value: float | None, as_percent: bool) -> str:
    if as_percent:
        return percent(value)
    return "-" if value is None else f"{value:,.1f}".removesuffix(".0")


def _change(delta: float | None, as_percent: bool) -> str:
    if delta is None:
        return "-"
    return f"{100 * delta:+.1f} pp" if as_percent else f"{delta:+,.1f}".removesuffix(".0")
