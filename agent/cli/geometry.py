"""`lemmata geometry solve|bench`: the geometry engine from the terminal."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from engines.geometry import GeometryError, proof_text, read_problems, solve
from engines.geometry.batch import BatchRecord, solve_many
from engines.geometry.language import parse_problem


@click.group("geometry")
def command() -> None:
    """Solve problems written in the AlphaGeometry constructive language."""


def _pick(problems: dict[str, str], name: str | None, console: Console) -> list[str]:
    if name is not None:
        if name not in problems:
            raise click.BadParameter(f"no problem named {name!r}; names: {', '.join(list(problems)[:5])} …",
                                     param_hint="--problem")
        return [name]
    if len(problems) > 1:
        console.print(f"[dim]{len(problems)} problems in the file; solving the first "
                      f"(use --problem NAME or --all)[/dim]")
    return [next(iter(problems))]


@command.command("solve")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--problem", "name", help="Name of the problem in FILE (default: the first).")
@click.option("--all", "solve_all", is_flag=True, help="Solve every problem in FILE.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds per problem.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random diagram.")
@click.option("--figure", "figure_path", type=click.Path(path_type=Path),
              help="Write a figure (.svg or .png) of the (first) problem.")
@click.option("--aux", type=click.Choice(["none", "heuristic"]), default="none", show_default=True,
              help="When deduction alone does not prove the goal, search auxiliary points (no model).")
def solve_command(file: Path, name: str | None, solve_all: bool, timeout: float, seed: int,
                  figure_path: Path | None, aux: str) -> None:
    """Prove the goal of a problem in FILE (two lines per problem: name, statement)."""
    console = Console()
    problems = read_problems(file)
    if not problems:
        raise click.ClickException(f"{file} holds no problems (expected two lines per problem)")
    names = list(problems) if solve_all else _pick(problems, name, console)
    for n in names:
        try:
            sol = solve(parse_problem(problems[n], n), timeout=timeout, seed=seed)
        except GeometryError as exc:
            raise click.ClickException(f"{exc}") from None
        console.rule(f"{n}")
        if sol.proved:
            console.print(f"[green]proved[/green] `{sol.problem.goal}` in {sol.seconds:.2f}s, "
                          f"{len(sol.proof)} steps (angles are directed, modulo π):")
            console.print(proof_text(sol.proof), markup=False, highlight=False, soft_wrap=True)
        else:
            why = "time limit reached, not proved" if sol.timed_out else "saturated, not proved"
            console.print(f"[yellow]{why}[/yellow]: `{sol.problem.goal}` after "
                          f"{sol.rounds} rounds, {sol.facts} facts, {sol.seconds:.2f}s")
            if aux == "heuristic" and _solve_with_auxiliary_points(
                    problems[n], max(1.0, timeout - sol.seconds), seed, console,
                    figure_path if n == names[0] else None):
                continue
        if figure_path is not None and n == names[0]:
            from engines.geometry.figure import render
            render(sol.problem, sol.diagram, figure_path, proof=sol.proof)
            console.print(f"figure written to {figure_path}")


def _solve_with_auxiliary_points(statement: str, timeout: float, seed: int, console: Console,
                                 figure_path: Path | None) -> bool:
    """Heuristic auxiliary points within the time left; prints the proof when one is found."""
    from engines.geometry.auxiliary import search

    found = search(statement, timeout=timeout, seed=seed)
    if not found.proved:
        console.print(f"[yellow]no auxiliary point found[/yellow] after {found.tried} candidates, {found.seconds:.1f}s")
        return False
    console.print(f"[green]proved with auxiliary points[/green] after {found.tried} candidates, {found.seconds:.1f}s:")
    for clause in found.clauses:
        console.print(f"  [red]{clause}[/red]", highlight=False)
    console.print(found.session.proof_text(), markup=False, highlight=False, soft_wrap=True)
    if figure_path is not None:
        found.session.figure(figure_path)
        console.print(f"figure written to {figure_path}")
    return True


@command.command("bench")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds per problem.")
@click.option("--jobs", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random diagrams.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write the records as JSON.")
def bench_command(file: Path, timeout: float, jobs: int, seed: int, json_path: Path | None) -> None:
    """Solve every problem in FILE and print a per-problem table with totals."""
    console = Console()
    problems = read_problems(file)
    with console.status(f"solving {len(problems)} problems …"):
        records = solve_many(problems, timeout=timeout, jobs=jobs, seed=seed)
    console.print(bench_table(records))
    console.print(bench_summary(records))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps([r.as_dict() for r in records], indent=1))


def bench_table(records: list[BatchRecord]) -> Table:
    table = Table("problem", "proved", "time (s)", "steps", "status")
    for r in records:
        table.add_row(r.name[-60:], "yes" if r.proved else "no", f"{r.seconds:.2f}",
                      str(r.steps or ""), r.status[:40])
    return table


def bench_summary(records: list[BatchRecord]) -> str:
    proved = [r.seconds for r in records if r.proved]
    unproved = [r.seconds for r in records if not r.proved]
    med = lambda xs: f"{statistics.median(xs):.2f}s" if xs else "-"  # noqa: E731
    return (f"proved {len(proved)}/{len(records)}; median time proved {med(proved)}, "
            f"unproved {med(unproved)}")
