"""The report's tables as plain cells, and their terminal (rich) and markdown renderings.

The cells are shared with the HTML page, so every view shows the same numbers; each renderer
escapes them for its own format (model text may hold markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from lemmata.agent.loop.reference import describe

if TYPE_CHECKING:
    from lemmata.agent.evaluation.report import Report


def notes(report: Report) -> str:
    """How to read the metrics, in one paragraph."""
    vote = ("verifier vote@k: answers weighted by verifier pass rate over the first k samples; "
            "best-of-k: the first k samples' one with the highest pass rate; "
            if report.overall.scores.verifier_vote_at_k is not None else "")
    return ("maj@k: majority vote averaged over every k-subset of the samples, ties shared; " + vote +
            "G-Pass@k_τ needs max(⌈τk⌉, 1) of k draws correct; mG-Pass@k = (2/k)·Σ G-Pass@k_{i/k}, "
            "i = ⌈k/2⌉+1..k. Unanswered or ungraded samples count as wrong.")


class Cells(NamedTuple):
    """A table as text: a header row and body rows, unescaped."""

    headers: list[str]
    rows: list[list[str]]
    text_columns: frozenset[int] = frozenset({0})
    """Columns of words, aligned left; the rest are numbers, aligned right."""


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def tau_label(tau: float) -> str:
    return f"{tau:g}"


def headline_k(report: Report) -> int:
    """The k shown per problem: the largest one reported."""
    return max(report.ks)


def overall_cells(report: Report) -> Cells:
    """Rows of metrics, columns of k; values are means over problems in %, ± their standard error."""
    scores, spread = report.overall.scores, report.overall.standard_error

    def row(name: str, pick) -> list[str]:
        return [name, *(_with_spread(pick(scores, k), spread and pick(spread, k)) for k in report.ks)]

    rows = [row("pass@k", lambda s, k: s.pass_at_k[k]), row("maj@k", lambda s, k: s.maj_at_k[k])]
    if scores.verifier_vote_at_k is not None:
        rows.append(row("verifier vote@k", lambda s, k: s.verifier_vote_at_k[k]))
        rows.append(row("best-of-k", lambda s, k: s.best_of_k[k]))
    rows += [row(f"G-Pass@k τ={tau_label(tau)}", lambda s, k, tau=tau: s.g_pass_at_k[k][tau]) for tau in report.taus]
    rows.append(row("mG-Pass@k", lambda s, k: s.mg_pass_at_k.get(k)))
    return Cells(["metric", *(f"k={k}" for k in report.ks)], rows)


def overall_title(report: Report) -> str:
    spread = " ± standard error" if report.overall.standard_error is not None else ""
    return f"overall: mean{spread} over {report.overall.problems} problems, in %"


def _with_spread(value: float | None, error: float | None) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}" + ("" if error is None else f" ± {100 * error:.1f}")


def problem_cells(report: Report) -> Cells:
    """One row per problem, at the headline k."""
    k = headline_k(report)
    with_votes = report.overall.scores.verifier_vote_at_k is not None
    headers = ["problem", "c/n", "pass@1", f"pass@{k}", f"maj@{k}",
               *([f"vote@{k}"] if with_votes else []), f"mG-Pass@{k}", "top answer", "tokens", "wall s"]
    rows = []
    for problem in report.problems:
        scores = problem.scores
        answer = "-" if problem.top_answer is None else f"{clip(problem.top_answer)} ({problem.top_answer_votes})"
        rows.append([problem.problem_id, f"{problem.c}/{problem.n}", percent(scores.pass_at_1),
                     percent(scores.pass_at_k[k]), percent(scores.maj_at_k[k]),
                     *([percent(scores.verifier_vote_at_k[k])] if with_votes else []),
                     percent(scores.mg_pass_at_k.get(k)), answer, f"{problem.tokens:,}", f"{problem.wall_s:.1f}"])
    return Cells(headers, rows, frozenset({0, headers.index("top answer")}))


def clip(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def title_line(report: Report) -> str:
    return (f"run {report.run_id} · dataset {report.dataset or '-'} · model {report.model or '-'}"
            f" · created {report.created_at} · {describe(report.reference_visible)}")


def summary_line(report: Report) -> str:
    overall = report.overall
    roles = ", ".join(f"{role} {count:,}" for role, count in overall.tokens_by_role.items())
    statuses = ", ".join(f"{status} {count}" for status, count in overall.statuses.items())
    spread = "" if overall.standard_error is None else f" ± {100 * overall.standard_error.pass_at_1:.1f}"
    return (f"{overall.problems} problems, {overall.samples} samples ({statuses}) · "
            f"pass@1 {percent(overall.scores.pass_at_1)}{spread} · tokens {overall.tokens:,} "
            f"({overall.tokens_per_problem:,.0f} per problem; {roles or 'none recorded'}) · "
            f"wall {overall.wall_s:.1f} s summed over samples")


# --- terminal ------------------------------------------------------------------------------------

def rich_table(cells: Cells, title: str) -> Table:
    """Cells as a rich table; cells are `Text`, so brackets in model text are not read as markup."""
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(cells.headers):
        if index in cells.text_columns:  # words give way first when the terminal is narrow
            table.add_column(header, overflow="fold", min_width=8)
        else:  # numbers never break; a long header may
            widest = max((len(row[index]) for row in cells.rows), default=1)
            table.add_column(header, justify="right", overflow="fold", min_width=widest)
    for row in cells.rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def report_renderable(report: Report) -> RenderableType:
    """Overall first, then one row per problem."""
    return Group(
        Text(title_line(report), style="bold"),
        Text(summary_line(report)),
        rich_table(overall_cells(report), overall_title(report)),
        rich_table(problem_cells(report), f"problems (k = {headline_k(report)})"),
        Text(notes(report), style="dim"),
    )


# --- markdown ------------------------------------------------------------------------------------

def markdown_cell(text: str) -> str:
    """Text safe inside a markdown table cell: no pipes, newlines or raw HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def markdown_table(cells: Cells) -> str:
    lines = ["| " + " | ".join(markdown_cell(h) for h in cells.headers) + " |",
             "|" + "|".join("---" if i in cells.text_columns else "---:" for i in range(len(cells.headers))) + "|"]
    lines += ["| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in cells.rows]
    return "\n".join(lines)


def to_markdown(report: Report) -> str:
    """The report as a markdown document: overall table, then a row per problem."""
    return "\n\n".join([
        f"# Evaluation report: run {markdown_cell(report.run_id)}",
        markdown_cell(title_line(report)) + "\n\n" + markdown_cell(summary_line(report)),
        f"## Overall: {overall_title(report).removeprefix('overall: ')}",
        markdown_table(overall_cells(report)),
        f"## Problems (k = {headline_k(report)})",
        markdown_table(problem_cells(report)),
        f"_{notes(report)}_",
    ]) + "\n"
