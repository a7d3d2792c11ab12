"""`lemmata solve`: solve one problem given as text or a file."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.live import Live
from rich.panel import Panel

from agent.cli.options import guarded, model_options
from agent.config import Config
from agent.display import StreamView
from agent.errors import ProblemInputError
from agent.problems import load_problem_file, problem_from_text
from agent.solve import solve_problem
from agent.tex import readable
from engines.llm.vllm_server import VLLMServer
from memory import RunStore


@click.command("solve")
@click.argument("problem", required=False)
@click.option("-f", "--file", "file", type=click.Path(path_type=Path), help="A .md/.tex/.txt file holding the problem.")
@click.option("--serve", "serve_model", help="Start `vllm serve MODEL` for this run and stop it afterwards.")
@click.option("--quiet", is_flag=True, help="Print only the answer.")
@model_options
@guarded
def command(config: Config, problem: str | None, file: Path | None, serve_model: str | None, quiet: bool) -> None:
    """Solve PROBLEM (a string) or the problem in --file, and store the run."""
    if (problem is None) == (file is None):
        raise ProblemInputError("give the problem as an argument or with -f FILE (exactly one)")
    loaded = load_problem_file(file) if file else problem_from_text(problem)
    console = Console(stderr=quiet)
    with contextlib.ExitStack() as stack:
        if serve_model:
            server = VLLMServer(serve_model)
            console.print(f"starting vllm serve {serve_model} …")
            stack.enter_context(server)
            config.defaults.base_url, config.defaults.model = server.base_url, server.served_name
        result = asyncio.run(_solve_live(loaded, config, console, quiet))
    if quiet:
        click.echo(result.answer or "")
        return
    answer = readable(result.answer) if result.answer else f"[yellow]no boxed answer ({result.status})[/]"
    console.print(Panel(answer, title=f"answer · run {result.run_id}", border_style="green"))
    if result.status != "finished":
        sys.exit(2)


async def _solve_live(problem, config: Config, console: Console, quiet: bool):
    store = RunStore(config.store.path)
    view = StreamView("reasoner")
    try:
        if quiet or not console.is_terminal:
            return await solve_problem(problem, config, store)
        with Live(view, console=console, refresh_per_second=8, transient=True):
            return await solve_problem(problem, config, store, on_token=view.on_token)
    finally:
        store.close()
