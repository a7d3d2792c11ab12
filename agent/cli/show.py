"""`lemmata show RUN`: print a run's rounds, lemmas, votes, verdicts and final solution."""

from __future__ import annotations

import click

from lemmata.agent.cli.options import guarded, model_options
from lemmata.agent.config import Config
from lemmata.agent.views.run import show_run
from lemmata.agent.evaluation.runs import resolve_run_id
from lemmata.agent.views.text_output import print_full
from lemmata.memory import RunStore
from lemmata.memory.terminal_text import InertConsole


@click.command("show")
@click.argument("run_id")
@model_options
@guarded
def command(config: Config, run_id: str) -> None:
    """Print a run (its id, a unique prefix, or 'latest'): rounds, lemmas with their votes, final
    verdicts, the selected solution; for a failed run, why it failed."""
    store = RunStore(config.store.path)
    try:
        view = show_run(store, resolve_run_id(store, run_id))
    finally:
        store.close()
    print_full(InertConsole(), view)
