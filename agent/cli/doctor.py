"""`lemmata doctor`: a table of endpoint health."""

from __future__ import annotations

import asyncio
import sys

import click
from rich.console import Console
from rich.table import Table

from agent.cli.options import guarded, model_options
from agent.config import Config
from agent.doctor import check_endpoints


def _mark(ok: bool) -> str:
    return "[green]yes[/]" if ok else "[red]no[/]"


@click.command("doctor")
@model_options
@guarded
def command(config: Config) -> None:
    """Check every configured endpoint: reachable, model listed, chat works, reasoning field."""
    console = Console()
    rows = asyncio.run(check_endpoints(config))
    if not rows:
        console.print(
            "No endpoint configured. Set LEMMATA_BASE_URL and LEMMATA_MODEL, pass --base-url and "
            "--model, or write \\[defaults] base_url/model in lemmata.toml."
        )
        sys.exit(1)
    table = Table(title="lemmata doctor")
    for column in ("roles", "endpoint", "model", "reachable", "model listed", "chat works", "reasoning", "detail"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(", ".join(row.roles), row.endpoint, row.model, _mark(row.reachable),
                      _mark(row.model_listed), _mark(row.chat_works), _mark(row.reasoning_field), row.detail)
    console.print(table)
    if not all(row.chat_works for row in rows):
        sys.exit(1)
