"""`lemmata doctor`: a table of endpoint health, and the limits to change."""

from __future__ import annotations

import asyncio
import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lemmata.agent.cli.options import guarded, model_options
from lemmata.agent.config import Config
from lemmata.agent.doctor import check_endpoints


def _mark(ok: bool) -> str:
    return "[green]yes[/]" if ok else "[red]no[/]"


@click.command("doctor")
@model_options
@guarded
def command(config: Config) -> None:
    """Check every configured endpoint: reachable, model listed, context, chat works, reasoning field."""
    console = Console()
    rows = asyncio.run(check_endpoints(config))
    if not rows:
        console.print(
            "No endpoint configured. Set LEMMATA_BASE_URL and LEMMATA_MODEL, pass --base-url and "
            "--model, or write \\[defaults] base_url/model in lemmata.toml."
        )
        sys.exit(1)
    table = Table(title="lemmata doctor")
    for column in ("roles", "endpoint", "model", "reachable", "model listed", "context", "chat works", "reasoning",
                   "detail"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(", ".join(row.roles), escape(row.endpoint), escape(row.model), _mark(row.reachable),
                      _mark(row.model_listed), str(row.context or "-"), _mark(row.chat_works),
                      _mark(row.reasoning_field), escape(row.detail))
    console.print(table)
    for line in dict.fromkeys(line for row in rows for line in row.advice):
        console.print(f"[yellow]change:[/] {escape(line)}", soft_wrap=True)
    if not all(row.chat_works for row in rows):
        sys.exit(1)


def check_before_run(config: Config, console: Console) -> Config:
    """doctor's checks before solve's or batch's first call: a one-line error (EndpointCheckError)
    when an endpoint is down or lacks the model; notes on limits lowered to fit the context.
    Returns the configuration to run with (limits lowered in a copy)."""
    from lemmata.agent.doctor import preflight

    checked = asyncio.run(preflight(config))
    for note in checked.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", soft_wrap=True)
    return checked.config
