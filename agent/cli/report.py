"""`lemmata report RUN_ID [RUN_B]`: evaluation metrics of a batch run, or two runs compared."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from sqlite_utils.db import NotFoundError

from agent.cli.options import model_options
from agent.config import Config
from agent.metrics import MetricError
from agent.report import build_report
from agent.report_compare import compare_reports
from agent.report_proof import build_proof_report, with_proof_section
from agent.run_data import load_run_data
from memory import RunStore

FORMATS = ("table", "markdown", "json", "html")


@click.command("report")
@click.argument("run_id")
@click.argument("other_run", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file instead of the terminal.")
@click.option("-k", "ks", type=int, multiple=True, help="k for pass@k and G-Pass@k (repeatable; default powers of two up to n).")
@model_options
def command(config: Config, run_id: str, other_run: str | None, fmt: str, out: Path | None, ks: tuple[int, ...]) -> None:
    """pass@k, maj@k, verifier-vote@k, G-Pass@k, mG-Pass@k, tokens and time, per problem and overall."""
    store = RunStore(config.store.path)
    try:
        reports = [build_report(load_run_data(store, rid), list(ks) or None) for rid in filter(None, (run_id, other_run))]
        proof = build_proof_report(store, run_id) if other_run is None else None
    except NotFoundError:
        raise click.ClickException(f"no such run in {config.store.path}") from None
    except MetricError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    shown = compare_reports(*reports) if len(reports) == 2 else reports[0]
    if fmt == "html" and len(reports) == 2:
        raise click.ClickException("--format html shows one run; compare two runs as table, markdown or json")
    text = {"markdown": shown.to_markdown, "json": shown.to_json, "html": getattr(shown, "to_html", None)}.get(fmt)
    if fmt == "table":
        console = Console(file=out.open("w") if out else None, width=160 if out else None)
        console.print(shown)
        if proof is not None:
            console.print(proof)
        return
    rendered = with_proof_section(text(), fmt, proof)
    if out:
        out.write_text(rendered, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(rendered)
