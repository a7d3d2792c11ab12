"""`lemmata report RUN_ID [RUN_B]`: evaluation metrics of a batch run, or two runs compared."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import click
from rich.console import RenderableType

from lemmata.agent.cli.options import model_options
from lemmata.agent.config import Config
from lemmata.agent.errors import ProblemInputError
from lemmata.agent.evaluation.metrics import MetricError
from lemmata.agent.evaluation.report import Report, build_report
from lemmata.agent.evaluation.report_compare import compare_reports
from lemmata.agent.evaluation.report_html import to_html
from lemmata.agent.evaluation.report_proof import build_proof_report, with_proof_section
from lemmata.agent.evaluation.run_data import load_run_data
from lemmata.agent.evaluation.report_text import report_renderable, to_markdown
from lemmata.agent.evaluation.runs import resolve_run_id
from lemmata.agent.views.text_output import print_full
from lemmata.memory import RunStore
from lemmata.memory.store_errors import RunNotFound
from lemmata.memory.terminal_text import InertConsole, inert

FORMATS = ("table", "markdown", "json", "html")


@click.command("report")
@click.argument("run_id")
@click.argument("other_run", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file instead of the terminal.")
@click.option("-k", "ks", type=int, multiple=True, help="k for pass@k and G-Pass@k (repeatable; default powers of two up to n).")
@model_options
def command(config: Config, run_id: str, other_run: str | None, fmt: str, out: Path | None, ks: tuple[int, ...]) -> None:
    """pass@k, maj@k, verifier-vote@k, G-Pass@k, mG-Pass@k, tokens and time, per problem and overall.

    RUN_ID (and OTHER_RUN) may be a full id, a unique prefix of one, or 'latest'."""
    store = RunStore(config.store.path)
    try:
        run_ids = [resolve_run_id(store, spec) for spec in filter(None, (run_id, other_run))]
        reports = [build_report(load_run_data(store, rid), list(ks) or None) for rid in run_ids]
        proof = build_proof_report(store, run_ids[0]) if other_run is None else None
    except (MetricError, ProblemInputError, RunNotFound) as error:
        raise click.ClickException(inert(str(error))) from None
    finally:
        store.close()
    if len(reports) == 2 and reports[0].dataset != reports[1].dataset:
        click.echo(f"warning: the runs solved different datasets ({reports[0].dataset or '-'} and "
                   f"{reports[1].dataset or '-'}); their overall scores are not comparable", err=True)
    if fmt == "html" and len(reports) == 2:
        raise click.ClickException("--format html shows one run; compare two runs as table, markdown or json")
    shown, texts = _renderings(reports)
    text = texts.get(fmt)
    if fmt == "table":
        shown_parts = [shown] if proof is None else [shown, proof]
        if out:
            with out.open("w", encoding="utf-8") as file:
                for part in shown_parts:
                    print_full(InertConsole(file=file), part)
            click.echo(f"wrote {out}", err=True)
        else:
            for part in shown_parts:
                print_full(InertConsole(), part)
        return
    rendered = with_proof_section(text(), fmt, proof)
    if out:
        out.write_text(rendered, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(inert(rendered))


def _renderings(reports: list[Report]) -> tuple[RenderableType, dict[str, Callable[[], str]]]:
    """The terminal view, and the text renderers by format, of one report or of two compared."""
    if len(reports) == 2:
        comparison = compare_reports(*reports)
        return comparison, {"markdown": comparison.to_markdown, "json": comparison.to_json}
    report = reports[0]
    return report_renderable(report), {
        "markdown": partial(to_markdown, report), "json": report.to_json, "html": partial(to_html, report)}
