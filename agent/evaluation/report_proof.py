"""The proof section of a batch report: mean grade / 7 per problem, per level and overall, and the
distribution of grades (a plot in the HTML page).

pass@k and G-Pass@k of a proof run are in the main report: there a proof counts as a success
when its grade is at least 6 (`lemmata.agent.evaluation.run_data`). A sample whose grade failed (empty proof, every
grader unparseable) counts as 0 here and is counted as ungraded, never hidden.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from html import escape

from rich.console import Group, RenderableType
from rich.text import Text

from lemmata.agent.evaluation.proof_grades import MAX_SCORE, PASS_SCORE
from lemmata.agent.evaluation.report_text import Cells, markdown_cell, markdown_table, rich_table
from lemmata.memory import RunStore
from lemmata.memory import proof_records

LEVEL_ORDER = ("pre-IMO", "IMO-easy", "IMO-medium", "IMO-hard")
NO_LEVEL = "(no level)"


@dataclass(frozen=True)
class ProblemProofScore:
    problem_id: str
    level: str
    samples: int
    ungraded: int
    """Samples whose grade failed; counted as 0 in the mean."""
    mean: float
    """Mean grade / 7 over the samples, in [0, 1]."""
    scores: list[int | None]
    """Each sample's grade in sample order; `None` for a failed grade."""


@dataclass(frozen=True)
class LevelScore:
    level: str
    problems: int
    mean: float
    """Mean over the level's problems of their mean grade / 7."""


@dataclass(frozen=True)
class ProofReport:
    """The proof grades of one batch run."""

    run_id: str
    modes: list[str]
    """The grading scales used (one, unless the run was resumed with another)."""
    problems: list[ProblemProofScore]
    levels: list[LevelScore]
    overall: float
    """Mean over problems of their mean grade / 7."""
    distribution: dict[str, int]
    """How many samples got each grade 0..7, and 'ungraded'."""

    def __rich__(self) -> RenderableType:
        return Group(Text(headline(self), style="bold"), rich_table(level_cells(self), "proof grades by level"),
                     rich_table(problem_cells(self), "proof grades by problem"), Text(NOTE, style="dim"))

    def to_dict(self) -> dict:
        return asdict(self)

    def to_markdown(self) -> str:
        return "\n\n".join(["## Proof grades", markdown_cell(headline(self)), markdown_table(level_cells(self)),
                            markdown_table(problem_cells(self)), f"_{NOTE}_"]) + "\n"

    def to_html(self) -> str:
        from lemmata.agent.evaluation.report_html import html_table, svg

        return "\n".join([
            "<h2>Proof grades</h2>", f"<p>{escape(headline(self))}</p>", html_table(level_cells(self)),
            f"<figure>\n{svg(distribution_plot(self), 'proof-grades')}\n"
            "<figcaption>Distribution of proof grades over all samples</figcaption>\n</figure>",
            html_table(problem_cells(self)), f'<p class="notes">{escape(NOTE)}</p>'])


NOTE = (f"Grades are on the 0-{MAX_SCORE} scale, shown as a share of {MAX_SCORE}; a level's and the overall "
        f"mean weigh every problem the same. Ungraded samples (a failed grade) count as 0. pass@k and "
        f"G-Pass@k above count a proof graded {PASS_SCORE} or more as a success.")


def build_proof_report(store: RunStore, run_id: str) -> ProofReport | None:
    """The proof section of a run, or None when the run graded no proofs."""
    grades = proof_records.proof_grades(store, run_id)
    if not grades:
        return None
    by_problem: dict[str, list[int | None]] = {}
    for (problem_id, _), row in grades.items():
        by_problem.setdefault(problem_id, []).append(row["score"])
    levels = proof_records.levels(store, list(by_problem))
    problems = [ProblemProofScore(pid, levels.get(pid) or NO_LEVEL, len(scores), scores.count(None),
                                  sum(s or 0 for s in scores) / (MAX_SCORE * len(scores)), scores)
                for pid, scores in by_problem.items()]
    distribution = Counter(str(row["score"]) if row["score"] is not None else "ungraded" for row in grades.values())
    keys = [str(s) for s in range(MAX_SCORE + 1)] + ["ungraded"]
    return ProofReport(run_id, sorted({row["mode"] for row in grades.values()}), problems, _levels(problems),
                       sum(p.mean for p in problems) / len(problems), {key: distribution[key] for key in keys})


def _levels(problems: list[ProblemProofScore]) -> list[LevelScore]:
    grouped: dict[str, list[float]] = {}
    for problem in problems:
        grouped.setdefault(problem.level, []).append(problem.mean)
    order = [lvl for lvl in LEVEL_ORDER if lvl in grouped] + sorted(set(grouped) - set(LEVEL_ORDER))
    return [LevelScore(level, len(grouped[level]), sum(grouped[level]) / len(grouped[level])) for level in order]


def headline(report: ProofReport) -> str:
    samples = sum(p.samples for p in report.problems)
    ungraded = report.distribution["ungraded"]
    return (f"proof grades ({', '.join(report.modes)}): overall mean {100 * report.overall:.1f}% of {MAX_SCORE} "
            f"over {len(report.problems)} problems, {samples} samples, {ungraded} ungraded")


def level_cells(report: ProofReport) -> Cells:
    rows = [[level.level, str(level.problems), f"{100 * level.mean:.1f}%", f"{MAX_SCORE * level.mean:.2f}"]
            for level in report.levels]
    rows.append(["overall", str(len(report.problems)), f"{100 * report.overall:.1f}%",
                 f"{MAX_SCORE * report.overall:.2f}"])
    return Cells(["level", "problems", "mean / 7", "mean score"], rows)


def problem_cells(report: ProofReport) -> Cells:
    rows = [[p.problem_id, p.level, " ".join("-" if s is None else str(s) for s in p.scores),
             f"{100 * p.mean:.1f}%", str(p.ungraded)] for p in report.problems]
    return Cells(["problem", "level", "grades", "mean / 7", "ungraded"], rows, frozenset({0, 1, 2}))


def distribution_plot(report: ProofReport):
    """Bars: how many samples got each grade, and how many are ungraded."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.5, 3.4), layout="constrained")
    axes = figure.add_subplot()
    labels = list(report.distribution)
    colours = ["#c0392b" if label == "ungraded" else "#2e86c1" if int(label) >= PASS_SCORE else "#7f8c8d"
               for label in labels]
    axes.bar(range(len(labels)), list(report.distribution.values()), color=colours)
    axes.set_xticks(range(len(labels)), labels=labels)
    axes.set_xlabel(f"grade (0-{MAX_SCORE}; blue: {PASS_SCORE} or more)")
    axes.set_ylabel("samples")
    axes.grid(axis="y", alpha=0.3)
    return figure


def with_proof_section(rendered: str, fmt: str, proof: ProofReport | None) -> str:
    """A rendered report (markdown, json or html) with the proof section added, if there is one."""
    if proof is None:
        return rendered
    if fmt == "json":
        import json

        return json.dumps({**json.loads(rendered), "proof": proof.to_dict()}, sort_keys=True, indent=2)
    if fmt == "html":
        head, tail = rendered.rsplit("</body>", 1)
        return f"{head}{proof.to_html()}\n</body>{tail}"
    return rendered + "\n" + proof.to_markdown()
