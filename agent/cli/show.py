"""`lemmata show RUN_ID`: print a run's rounds, lemmas, votes, verdicts and final solution."""

from __future__ import annotations

import click
from sqlite_utils.db import NotFoundError

from agent.cli.options import model_options
from agent.config import Config
from agent.run_view import show_run
from memory import RunStore
from memory.terminal_text import InertConsole


@click.command("show")
@click.argument("run_id")
@model_options
def command(config: Config, run_id: str) -> None:
    """Print a run: rounds, lemmas with their votes, final verdicts, the selected solution."""
    store = RunStore(config.store.path)
    try:
        view = show_run(store, run_id)
    except NotFoundError:
        raise click.ClickException(f"no run '{run_id}' in {config.store.path}") from None
    finally:
        store.close()
    InertConsole().print(view)
