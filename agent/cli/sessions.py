"""`lemmata sessions`: the interactive sessions in the run store, the latest first."""

from __future__ import annotations

import click
from rich.table import Table

from lemmata.agent.cli.options import model_options
from lemmata.agent.config import Config
from lemmata.agent.session.runner import SessionSummary, list_sessions
from lemmata.agent.views.tex import readable
from lemmata.memory import RunStore
from lemmata.memory.terminal_text import InertConsole, plain

PROBLEM_CHARS = 200


@click.command("sessions")
@model_options
def command(config: Config) -> None:
    """List interactive sessions: problem, rounds done, lemmas, status, last activity."""
    store = RunStore(config.store.path)
    try:
        sessions = list_sessions(store)
    finally:
        store.close()
    console = InertConsole()
    if not sessions:
        console.print(f"no sessions in {config.store.path}; start one with lemmata solve -i PROBLEM")
        return
    console.print(sessions_table(sessions))
    console.print("[dim]reopen one with lemmata solve -i --resume ID[/]")


def sessions_table(sessions: list[SessionSummary]) -> Table:
    table = Table(title="interactive sessions", expand=True)
    table.add_column("id", no_wrap=True, min_width=12)
    table.add_column("problem", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("rounds", justify="right", min_width=6)
    table.add_column("lemmas", justify="right", min_width=6)
    table.add_column("status", min_width=8)
    table.add_column("last activity", no_wrap=True, min_width=16)
    for session in sessions:
        problem = " ".join(readable(session.problem).split())
        if len(problem) > PROBLEM_CHARS:
            problem = problem[:PROBLEM_CHARS - 1] + "…"
        table.add_row(plain(session.run_id), plain(problem), str(session.rounds_done), str(session.lemmas),
                      plain(session.status),
                      session.last_activity[:16].replace("T", " "))
    return table
