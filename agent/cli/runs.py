"""`lemmata runs`: the runs in the store, newest first, with what they did and how well."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lemmata.agent.cli.options import guarded, model_options
from lemmata.agent.config import Config
from lemmata.agent.evaluation.runs import RunSummary, list_runs
from lemmata.agent.views.text_output import print_full
from lemmata.memory import RunStore
from lemmata.memory.statuses import RunStatus

STATUS_STYLE = {RunStatus.FINISHED: "green", RunStatus.FAILED: "red", RunStatus.INTERRUPTED: "yellow",
                RunStatus.RUNNING: "cyan"}


@click.command("runs")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Show at most this many runs.")
@model_options
@guarded
def command(config: Config, limit: int) -> None:
    """List runs: id, kind, dataset or problem, model, status, samples done, accuracy, started."""
    if not Path(config.store.path).exists():
        raise click.ClickException(f"no run store at {config.store.path}; pass --db PATH or run lemmata solve first")
    store = RunStore(config.store.path)
    try:
        runs = list_runs(store, limit)
    finally:
        store.close()
    console = Console()
    if not runs:
        console.print(f"no runs in {config.store.path}; start one with lemmata solve or lemmata batch")
        return
    print_full(console, runs_table(runs))
    console.print("[dim]a unique prefix of an id, or 'latest', names a run: lemmata show latest · lemmata report ID[/]")


def runs_table(runs: list[RunSummary]) -> Table:
    table = Table(title="runs (newest first)")
    for name in ("id", "kind", "dataset / problem", "model", "status"):
        table.add_column(name, no_wrap=name in ("id", "status"))
    table.add_column("samples done", justify="right")
    table.add_column("accuracy", justify="right")
    table.add_column("started", no_wrap=True)
    for run in runs:
        accuracy = "-" if run.accuracy is None else f"{100 * run.accuracy:.1f}% ({run.correct}/{run.graded})"
        table.add_row(Text(run.id), Text(run.kind), Text(run.dataset), Text(run.model),
                      Text(run.status, style=STATUS_STYLE.get(run.status, "")),
                      f"{run.samples_done}/{run.samples_planned}", accuracy, run.started[:19].replace("T", " "))
    return table
