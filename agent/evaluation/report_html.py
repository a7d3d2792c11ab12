"""The report as one self-contained HTML page: inline CSS, plots as inline SVG, every text escaped.

Nothing is fetched when the page opens (no scripts, links or images by address), so it can be
mailed or archived as a single file. matplotlib is imported only when a page is drawn.
"""

from __future__ import annotations

import io
from html import escape
from typing import TYPE_CHECKING

from lemmata.agent.evaluation.report_text import (
    Cells,
    clip,
    headline_k,
    notes,
    overall_title,
    overall_cells,
    problem_cells,
    report_renderable,
    summary_line,
    tau_label,
    title_line,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from lemmata.agent.evaluation.report import Report

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f3f3f3; }
tbody tr:nth-child(even) { background: #fafafa; }
figure { display: inline-block; margin: 0.5em 1em 0.5em 0; vertical-align: top; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #555; }
.notes { font-size: 0.85em; color: #555; }
"""

MAX_LABELLED_BARS = 80
"""Above this many problems the token bars lose their labels (they would overlap)."""


def to_html(report: Report) -> str:
    """One HTML page: summary, overall table, plots, a row per problem and tokens by role."""
    title = f"Evaluation report: run {report.run_id}"
    parts = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(title_line(report))}</p>",
        f"<p>{escape(summary_line(report))}</p>",
        f"<h2>Overall: {escape(overall_title(report).removeprefix('overall: '))}</h2>",
        html_table(overall_cells(report)),
        "<h2>Plots</h2>",
        _figure(accuracy_plot(report), "accuracy",
                "Accuracy against k: means over problems, bands ± one standard error"),
        _figure(g_pass_plot(report), "g-pass", "G-Pass@k against τ, one line per k"),
        _figure(tokens_plot(report), "tokens", "Tokens per problem, by role"),
        f"<h2>Problems (k = {headline_k(report)})</h2>",
        html_table(problem_cells(report)),
        "<h2>Tokens by role</h2>",
        html_table(_role_cells(report)),
        f'<p class="notes">{escape(notes(report))}</p>',
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")


def html_table(cells: Cells) -> str:
    head = "".join(f"<th>{escape(header)}</th>" for header in cells.headers)
    body = "\n".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in cells.rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _role_cells(report: Report) -> Cells:
    overall = report.overall
    rows = [[role, f"{count:,}", f"{count / overall.problems:,.0f}"] for role, count in overall.tokens_by_role.items()]
    rows.append(["all roles", f"{overall.tokens:,}", f"{overall.tokens_per_problem:,.0f}"])
    return Cells(["role", "tokens", "per problem"], rows)


def _figure(figure: Figure, name: str, caption: str) -> str:
    return f"<figure>\n{svg(figure, name)}\n<figcaption>{escape(caption)}</figcaption>\n</figure>"


def svg(figure: Figure, name: str) -> str:
    """The figure as an inline <svg> element: text kept as text, no metadata, ids stable from run to run.

    `name` salts the element ids, so that several plots on one page never share an id.
    """
    import matplotlib

    buffer = io.StringIO()
    no_metadata = dict.fromkeys(("Date", "Creator", "Format", "Type"))
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"lemmata-report-{name}"}):
        figure.savefig(buffer, format="svg", metadata=no_metadata, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # the XML prolog and doctype have no place inside HTML


def _new_figure(width: float = 5.5, height: float = 3.6) -> Figure:
    # A bare Figure draws with the SVG backend directly: no pyplot, no global backend switch.
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), layout="constrained")


def _percent_axis(axes) -> None:
    from matplotlib.ticker import PercentFormatter
    axes.set_ylim(-0.02, 1.02)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.grid(alpha=0.3)


def accuracy_plot(report: Report) -> Figure:
    """pass@k, maj@k and verifier vote@k (means over problems) against k."""
    figure = _new_figure()
    axes = figure.add_subplot()
    scores = report.overall.scores
    series = {"pass@k": scores.pass_at_k, "maj@k": scores.maj_at_k, "verifier vote@k": scores.verifier_vote_at_k,
              "best-of-k": scores.best_of_k}
    spread = report.overall.standard_error
    errors = spread and {"pass@k": spread.pass_at_k, "maj@k": spread.maj_at_k,
                         "verifier vote@k": spread.verifier_vote_at_k, "best-of-k": spread.best_of_k}
    for label, values in series.items():
        if values is None:
            continue
        means = [values[k] for k in report.ks]
        (line,) = axes.plot(report.ks, means, marker="o", label=label)
        if errors:  # a band of ± one standard error over problems
            band = [errors[label][k] for k in report.ks]
            axes.fill_between(report.ks, [m - e for m, e in zip(means, band)], [m + e for m, e in zip(means, band)],
                              color=line.get_color(), alpha=0.12, linewidth=0)
    if len(report.ks) > 1:
        axes.set_xscale("log", base=2)
    axes.set_xticks(report.ks, labels=[str(k) for k in report.ks])
    axes.minorticks_off()
    axes.set_xlabel("k (samples)")
    _percent_axis(axes)
    axes.legend()
    return figure


def g_pass_plot(report: Report) -> Figure:
    """G-Pass@k (mean over problems) against the threshold τ, one line per k."""
    figure = _new_figure()
    axes = figure.add_subplot()
    scores = report.overall.scores
    for k in report.ks:
        mg = scores.mg_pass_at_k.get(k)
        label = f"k={k}" + ("" if mg is None else f" (mG {100 * mg:.1f}%)")
        axes.plot(report.taus, [scores.g_pass_at_k[k][tau] for tau in report.taus], marker="o", label=label)
    axes.set_xticks(report.taus, labels=[tau_label(tau) for tau in report.taus])
    axes.set_xlabel("τ (share of the k samples that must be correct)")
    _percent_axis(axes)
    axes.legend(fontsize="small")
    return figure


def tokens_plot(report: Report) -> Figure:
    """Tokens per problem as bars stacked by role."""
    count = len(report.problems)
    figure = _new_figure(width=min(max(5.5, 0.3 * count), 24))
    axes = figure.add_subplot()
    positions = list(range(count))
    bottoms = [0] * count
    for role in report.overall.tokens_by_role:
        heights = [problem.tokens_by_role.get(role, 0) for problem in report.problems]
        axes.bar(positions, heights, bottom=bottoms, label=role)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    if count <= MAX_LABELLED_BARS:
        labels = [_plain(clip(problem.problem_id, 24)) for problem in report.problems]
        axes.set_xticks(positions, labels=labels, rotation=90, fontsize="small")
    else:
        axes.set_xticks([])
    axes.set_xlabel(f"problem ({count}, in report order)")
    axes.set_ylabel("tokens")
    if report.overall.tokens_by_role:
        axes.legend(fontsize="small")
    return figure


def _plain(label: str) -> str:
    # matplotlib reads text between dollar signs as mathtext (and fails on bad math): keep ids literal.
    return label.replace("$", r"\$")


def _demo_report(seed: int = 0, problems: int = 6, samples: int = 8) -> Report:
    """A made-up run: each problem has its own chance of being solved; wrong answers scatter."""
    import random

    from lemmata.agent.evaluation.report import RunData, SampleOutcome, build_report

    rng = random.Random(seed)
    outcomes = []
    for index in range(problems):
        skill = rng.random()
        for sample in range(samples):
            right = rng.random() < skill
            key = "42" if right else rng.choice(["41", "43", None])
            outcomes.append(SampleOutcome(
                f"demo-{index}", sample, key and f"\\boxed{{{key}}}", key, right if key else None,
                rng.choice([0.75, 1.0]) if right else rng.choice([0.0, 0.25, 0.5]),
                {"reasoner": rng.randrange(2000, 9000), "verifier": rng.randrange(500, 3000)},
                rng.uniform(10, 60), "done" if key else "error"))
    return build_report(RunData("demo", "made-up", "2026-01-01T00:00:00Z", "none", outcomes))


if __name__ == "__main__":  # python -m lemmata.agent.evaluation.report_html [page.html]: a demo report in the terminal (and as HTML)
    import sys

    from rich.console import Console

    demo = _demo_report()
    Console().print(report_renderable(demo))
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as page:
            page.write(to_html(demo))
