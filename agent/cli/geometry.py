"""`lemmata geometry solve|bench`: the geometry engine from the terminal."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from lemmata.engines.geometry import GeometryError, proof_text, read_problems, solve
from lemmata.engines.geometry.batch import TASKS, BatchRecord, solve_many
from lemmata.engines.geometry.checker import ProofRecord, check_proof, load_record, record_from_facts
from lemmata.engines.geometry.language import parse_problem


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
@click.option("--timeout", type=float, default=60.0, show_default=True, help="CPU seconds per problem.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random diagram.")
@click.option("--figure", "figure_path", type=click.Path(path_type=Path),
              help="Write a figure (.svg or .png) of the (first) problem.")
@click.option("--aux", type=click.Choice(sorted(TASKS)), default="none", show_default=True,
              help="When deduction alone does not prove the goal, search auxiliary points (no model).")
@click.option("--proof-out", "proof_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the (first) proof as a JSON proof file for `lemmata geometry check`.")
def solve_command(file: Path, name: str | None, solve_all: bool, timeout: float, seed: int,
                  figure_path: Path | None, aux: str, proof_path: Path | None) -> None:
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
        if sol.rejected:
            console.print("[red]the engine's proof was rejected by the independent checker[/red] "
                          "(an engine bug; not proved):")
            for failure in sol.rejected:
                console.print(f"  {failure}", markup=False, highlight=False)
        if sol.proved:
            console.print(f"[green]proved[/green] `{sol.problem.goal}` in {sol.seconds:.2f}s, "
                          f"{len(sol.proof)} steps (angles are directed, modulo π):")
            console.print(proof_text(sol.proof), markup=False, highlight=False, soft_wrap=True)
            if proof_path is not None and n == names[0]:
                _write_proof(proof_path, record_from_facts(sol.problem, sol.proof, seed), console)
        else:
            why = "time limit reached, not proved" if sol.timed_out else "saturated, not proved"
            console.print(f"[yellow]{why}[/yellow]: `{sol.problem.goal}` after "
                          f"{sol.rounds} rounds, {sol.facts} facts, {sol.seconds:.2f}s")
            if aux == "heuristic" and _solve_with_auxiliary_points(
                    problems[n], max(1.0, timeout - sol.seconds), seed, console,
                    figure_path if n == names[0] else None, proof_path if n == names[0] else None):
                continue
        if figure_path is not None and n == names[0]:
            from lemmata.engines.geometry.figure import render
            render(sol.problem, sol.diagram, figure_path, proof=sol.proof)
            console.print(f"figure written to {figure_path}")


def _solve_with_auxiliary_points(statement: str, timeout: float, seed: int, console: Console,
                                 figure_path: Path | None, proof_path: Path | None = None) -> bool:
    """Heuristic auxiliary points within the time left; prints the proof when one is found."""
    from lemmata.engines.geometry.auxiliary import search

    found = search(statement, timeout=timeout, seed=seed)
    for failure in found.rejected[:3]:
        console.print(f"[red]checker rejected an engine proof (engine bug):[/red] {failure}", highlight=False)
    if not found.proved:
        console.print(f"[yellow]no auxiliary point found[/yellow] after {found.tried} candidates, {found.seconds:.1f}s")
        return False
    console.print(f"[green]proved with auxiliary points[/green] after {found.tried} candidates, {found.seconds:.1f}s:")
    for clause in found.clauses:
        console.print(f"  [red]{clause}[/red]", highlight=False)
    console.print(found.session.proof_text(), markup=False, highlight=False, soft_wrap=True)
    record = found.session.proof_record()
    if proof_path is not None and record is not None:
        _write_proof(proof_path, record, console)
    if figure_path is not None:
        found.session.figure(figure_path)
        console.print(f"figure written to {figure_path}")
    return True


def _write_proof(path: Path, record: ProofRecord, console: Console) -> None:
    try:
        path.write_text(record.to_json())
    except OSError as exc:
        raise click.ClickException(f"cannot write the proof file {path}: {exc.strerror}") from None
    console.print(f"proof written to {path} (check it with `lemmata geometry check {path}`)",
                  markup=False, highlight=False)


@command.command("check")
@click.argument("proof", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--diagrams", type=click.IntRange(1, 50), default=3, show_default=True,
              help="Fresh random diagrams every derived fact must hold in.")
def check_command(proof: Path, diagrams: int) -> None:
    """Check a proof file independently: every step re-derived from the facts it cites by the
    rule it names, every fact true in fresh random diagrams. Exit 1 when it fails."""
    console = Console()
    try:
        record = load_record(proof)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    report = check_proof(record, fresh=diagrams)
    if report.ok:
        console.print(f"[green]valid[/green]: {len(record.steps)} steps, each re-derived; every fact "
                      f"holds in {report.diagrams} fresh diagrams")
        return
    console.print(f"[red]invalid[/red]: {len(record.steps)} steps")
    for failure in report.failures:
        console.print(f"  {failure}", markup=False, highlight=False)
    raise SystemExit(1)


@command.command("bench")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="CPU seconds per problem.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random diagrams.")
@click.option("--aux", type=click.Choice(sorted(TASKS)), default="none", show_default=True,
              help="'heuristic': search auxiliary points when deduction alone does not prove a goal.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write the records as JSON.")
def bench_command(file: Path, timeout: float, jobs: int, seed: int, aux: str, json_path: Path | None) -> None:
    """Solve every problem in FILE and print a per-problem table with totals (every proof
    counted has passed the independent checker)."""
    console = Console()
    problems = read_problems(file)
    if not problems:
        raise click.ClickException(f"{file} holds no problems (expected two lines per problem)")
    with console.status(f"solving {len(problems)} problems …"):
        records = solve_many(problems, timeout=timeout, jobs=jobs, seed=seed, aux=aux)
    console.print(bench_table(records))
    console.print(bench_summary(records))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps([r.as_dict() for r in records], indent=1))


def bench_table(records: list[BatchRecord]) -> Table:
    table = Table("problem", "proved", "cpu s", "steps", "aux points", "status")
    for r in records:
        table.add_row(r.name[-60:], "yes" if r.proved else "no", f"{r.seconds:.2f}", str(r.steps or ""),
                      "; ".join(r.aux)[:60], r.status[:40])
    return table


def bench_summary(records: list[BatchRecord]) -> str:
    proved = [r.seconds for r in records if r.proved]
    unproved = [r.seconds for r in records if not r.proved]
    med = lambda xs: f"{statistics.median(xs):.2f}s" if xs else "-"  # noqa: E731
    rejected = sum("rejected" in r.status for r in records)
    plain = sum(r.plain for r in records if r.proved)
    aux = f" ({plain} without auxiliary points)" if any(r.aux for r in records) else ""
    return (f"proved {len(proved)}/{len(records)}{aux}; median CPU time proved {med(proved)}, "
            f"unproved {med(unproved)}; proofs rejected by the checker {rejected}")
