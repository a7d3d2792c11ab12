"""`lemmata lemmas`: search, list, show and draw the lemma memory of the run store."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import click

from lemmata.agent.cli.options import guarded, model_options
from lemmata.agent.config import Config
from lemmata.agent.views.tex import readable
from lemmata.agent.views.text_output import print_full
from lemmata.memory import (
    DEFAULT_LIBRARY_BUDGET_TOKENS,
    LemmaLibrary,
    LemmaMemoryError,
    RunStore,
    graph_to_dot,
    graph_to_svg,
    lemma_detail,
    lemma_graph,
    library_holding,
    list_lemmas,
    search_lemmas,
)
from lemmata.memory.lemmas.views import detail_view, graph_view, summary_table
from lemmata.memory.terminal_text import InertConsole


class GraphFormat(StrEnum):
    TERMINAL = "terminal"
    DOT = "dot"
    SVG = "svg"


def lemma_errors(function: Callable) -> Callable:
    """The memory's own errors become one-line CLI errors."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except LemmaMemoryError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


@contextmanager
def existing_store(config: Config) -> Iterator[RunStore]:
    path = Path(config.store.path)
    if not path.exists():
        raise click.ClickException(f"no run store at {path}; pass --db PATH or solve a problem first")
    store = RunStore(path)
    try:
        yield store
    finally:
        store.close()


@click.group("lemmas")
def command() -> None:
    """Search, list, inspect, draw and edit the lemmas in the run store."""


@command.command("search")
@click.argument("query")
@click.option("--problem", "problem_id", help="Only lemmas of this problem.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@model_options
@guarded
@lemma_errors
def search(config: Config, query: str, problem_id: str | None, limit: int) -> None:
    """Lemmas whose statements contain every word of QUERY, best match first."""
    with existing_store(config) as store:
        found = search_lemmas(store, query, limit, problem_id=problem_id)
    if not found:
        click.echo(f"no lemma statement matches {query!r}")
        return
    print_full(InertConsole(), summary_table(found, title=f"lemmas matching {query!r}", render=readable))


@command.command("list")
@click.option("--problem", "problem_id", required=True, help="The problem id.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), help="Only lemmas verified at least this well.")
@click.option("--all", "include_superseded", is_flag=True, help="Include superseded (edited) versions.")
@model_options
@guarded
@lemma_errors
def list_command(config: Config, problem_id: str, min_confidence: float | None, include_superseded: bool) -> None:
    """A problem's lemmas in the order they were found."""
    with existing_store(config) as store:
        lemmas = list_lemmas(store, problem_id, min_confidence=min_confidence, include_superseded=include_superseded)
    if not lemmas:
        click.echo(f"problem {problem_id} has no lemmas" + (" at that confidence" if min_confidence else ""))
        return
    print_full(InertConsole(), summary_table(lemmas, title=f"lemmas of problem {problem_id}", render=readable))


@command.command("show")
@click.argument("lemma_id", type=int)
@model_options
@guarded
@lemma_errors
def show(config: Config, lemma_id: int) -> None:
    """One lemma: statement, proof, votes with the verifiers' explanations, what it cites and what cites it."""
    with existing_store(config) as store:
        detail = lemma_detail(store, lemma_id)
    InertConsole().print(detail_view(detail))


@command.command("graph")
@click.option("--problem", "problem_id", required=True, help="The problem id.")
@click.option("--format", "output_format", type=click.Choice([f.value for f in GraphFormat]),
              help="terminal (default), dot or svg; with -o, taken from the file's suffix when not given.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write DOT or SVG to this file.")
@model_options
@guarded
@lemma_errors
def graph(config: Config, problem_id: str, output_format: str | None, output: Path | None) -> None:
    """The dependency graph of a problem's lemmas: a tree here, or DOT / SVG."""
    chosen = _graph_format(output_format, output)
    with existing_store(config) as store:
        lemmas = lemma_graph(store, problem_id)
    if chosen is GraphFormat.TERMINAL:
        InertConsole().print(graph_view(lemmas))
        return
    text = graph_to_dot(lemmas) if chosen is GraphFormat.DOT else graph_to_svg(lemmas)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output} ({len(lemmas.nodes)} lemmas, {len(lemmas.edges)} citations)")


@command.command("render")
@click.option("--problem", "problem_id", required=True, help="The problem id.")
@click.option("--run", "run_id", required=True, help="The run id.")
@click.option("--shot", type=int, default=0, show_default=True)
@click.option("--budget", "budget_tokens", type=click.IntRange(min=1), default=DEFAULT_LIBRARY_BUDGET_TOKENS,
              show_default=True, help="Token budget of the library text.")
@click.option("--no-budget", is_flag=True, help="Render every lemma.")
@model_options
@guarded
@lemma_errors
def render(config: Config, problem_id: str, run_id: str, shot: int, budget_tokens: int, no_budget: bool) -> None:
    """Print a shot's library exactly as the next prompt shows it."""
    with existing_store(config) as store:
        text = LemmaLibrary(store, run_id=run_id, problem_id=problem_id, shot=shot).render(
            None if no_budget else budget_tokens)
    click.echo(text)


def _library_edit(name: str, help_text: str) -> None:
    """A verb NAME ID that calls LemmaLibrary.NAME(ID) on the library holding the lemma."""

    @command.command(name, help=help_text)
    @click.argument("lemma_id", type=int)
    @click.option("--run", "run_id", help="The run whose library to edit (default: the latest holding it).")
    @click.option("--shot", type=int, help="The shot whose library to edit.")
    @model_options
    @guarded
    @lemma_errors
    def verb(config: Config, lemma_id: int, run_id: str | None, shot: int | None) -> None:
        with existing_store(config) as store:
            getattr(library_holding(store, lemma_id, run_id=run_id, shot=shot), name)(lemma_id)
        click.echo(f"lemma {lemma_id}: {name}")


_library_edit("pin", "Always show lemma LEMMA_ID in prompts, whatever the budget.")
_library_edit("unpin", "Let lemma LEMMA_ID compete for the budget again.")
_library_edit("reject", "Never show lemma LEMMA_ID again (it stays stored).")


@command.command("edit")
@click.argument("lemma_id", type=int)
@click.option("--statement", help="The new statement.")
@click.option("--step", "steps", multiple=True, help="A proof step (repeat, in order); replaces the proof.")
@model_options
@guarded
@lemma_errors
def edit(config: Config, lemma_id: int, statement: str | None, steps: tuple[str, ...]) -> None:
    """Make a new version of LEMMA_ID; the old one is kept, the votes start again."""
    if statement is None and not steps:
        raise click.UsageError("give --statement and/or --step")
    with existing_store(config) as store:
        entry = library_holding(store, lemma_id).edit(lemma_id, statement=statement, steps=list(steps) or None)
    click.echo(f"lemma {lemma_id} is now lemma {entry.id} (Lemma {entry.number}, version {entry.version})")


@command.command("add")
@click.argument("statement")
@click.option("--problem", "problem_id", required=True, help="The problem id.")
@click.option("--run", "run_id", required=True, help="The run id.")
@click.option("--shot", type=int, default=0, show_default=True)
@click.option("--step", "steps", multiple=True, help="A proof step (repeat, in order).")
@model_options
@guarded
@lemma_errors
def add(config: Config, statement: str, problem_id: str, run_id: str, shot: int, steps: tuple[str, ...]) -> None:
    """Add STATEMENT to a shot's library as the user's lemma."""
    with existing_store(config) as store:
        library = LemmaLibrary(store, run_id=run_id, problem_id=problem_id, shot=shot)
        entry = library.add_user_lemma(statement, list(steps))
    click.echo(f"added lemma {entry.id} as Lemma {entry.number}")


def _graph_format(output_format: str | None, output: Path | None) -> GraphFormat:
    if output_format is not None:
        return GraphFormat(output_format)
    if output is None:
        return GraphFormat.TERMINAL
    by_suffix = {".dot": GraphFormat.DOT, ".gv": GraphFormat.DOT, ".svg": GraphFormat.SVG}
    if output.suffix.lower() not in by_suffix:
        raise click.UsageError(f"cannot tell the format of {output}; name it .dot or .svg, or pass --format")
    return by_suffix[output.suffix.lower()]
