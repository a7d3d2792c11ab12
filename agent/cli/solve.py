"""`lemmata solve`: the lemma loop on one problem, live; `--resume RUN_ID` continues a run."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from rich.live import Live
from rich.panel import Panel
from pydantic import ValidationError

from lemmata.agent.cli.doctor import check_before_run
from lemmata.agent.cli.options import guarded, model_options, serve_option, served_model
from lemmata.agent.config import Config, updated
from lemmata.agent.views.display import LoopView
from lemmata.agent.errors import ProblemInputError
from lemmata.agent.loop.settings import LoopSettings
from lemmata.agent.problems import Problem, ProblemKind, load_problem_file, problem_from_text
from lemmata.agent.loop.settings import PROFILES, Profile
from lemmata.agent.loop.reference import FLAG, keep_recorded_choice
from lemmata.agent.evaluation.runs import resolve_run_id
from lemmata.agent.loop.selection import SelectMethod
from lemmata.agent.session.runner import ctrl_c_cancels
from lemmata.agent.loop.solve import SolveResult, problem_of_run, solve_problem, stored_result
from lemmata.agent.views.tex import readable
from lemmata.memory import RunStore
from lemmata.memory.statuses import RunStatus
from lemmata.memory.terminal_text import InertConsole, inert


def loop_options(command):
    """Budget flags; each overrides the profile and the [loop] section of lemmata.toml."""
    command = click.option(FLAG, "reference_visible", is_flag=True, default=None,
                           help="Show the gold answer to the process verifier (reference-guided RL data); "
                                "off by default: no model sees any gold, and report and show say which.")(command)
    command = click.option("--reuse-lemmas", type=int,
                           help="Seed the library with up to N verified lemmas of related problems in the store.")(command)
    command = click.option("--stop-after", type=int, help="End the other shots once this many pass final verification.")(command)
    command = click.option("--revisions", type=int, help="Verify-and-revise loops for the final solution.")(command)
    command = click.option("--votes", "lemma_votes", type=int, help="Verifier calls per lemma.")(command)
    command = click.option("--rounds", type=int, help="Round cap.")(command)
    command = click.option("--shots", type=int, help="Independent parallel attempts.")(command)
    command = click.option("--conjectures/--no-conjectures", default=None,
                           help="Keep the reasoner's unproven lemmas as open conjectures (docs/loop-options.md).")(command)
    command = click.option("--meta-verify/--no-meta-verify", default=None,
                           help="Check each verifier critique before it counts; refuted ones are dropped.")(command)
    command = click.option("--accept-after", type=click.IntRange(min=1),
                           help="Accept the final solution after K consecutive passing verifier votes.")(command)
    command = click.option("--select", "select", type=click.Choice([m.value for m in SelectMethod]),
                           help="How one of the shots is chosen: vote (answers), verifier (pass rate), "
                                "grader (0-7 proof grade), tournament (pairwise judge).")(command)
    command = click.option("--profile", type=click.Choice([p.value for p in Profile]), help="Budget profile.")(command)
    return command


def apply_loop_options(config: Config, profile: str | None, **budgets: int | bool | None) -> Config:
    """`config` with the profile's budgets, then the budget flags given, applied."""
    if profile is not None and profile != config.profile:
        config = updated(config, "loop", **PROFILES[profile]).model_copy(update={"profile": profile})
    return updated(config, "loop", **{key: value for key, value in budgets.items() if value is not None})


@click.command("solve")
@click.argument("problem", required=False)
@click.option("-f", "--file", "file", type=click.Path(path_type=Path), help="A .md/.tex/.txt file holding the problem.")
@click.option("--answer", help=f"The gold answer, if known: recorded with the problem, shown to no model unless {FLAG}.")
@click.option("--kind", type=click.Choice([k.value for k in ProblemKind]),
              help="answer | proof | geometry (default: geometry for a statement in the engine's language, else answer).")
@click.option("--resume", "resume_run", help="Continue the run with this id after a crash or kill (with -i: reopen a session).")
@click.option("-i", "--interactive", is_flag=True, help="Steer the loop between rounds: hints, pins, rejections, budgets (/help).")
@serve_option
@click.option("--quiet", is_flag=True, help="Print only the answer.")
@loop_options
@model_options
@guarded
def command(config: Config, problem: str | None, file: Path | None, answer: str | None, kind: str | None,
            resume_run: str | None,
            interactive: bool, serve_model: str | None, quiet: bool, profile: str | None, **budgets: int | None) -> None:
    """Solve PROBLEM (a string) or the problem in --file with the multi-round lemma loop."""
    config = apply_loop_options(config, profile, **budgets)
    console = InertConsole(stderr=quiet and not interactive)
    store = RunStore(config.store.path)
    try:
        if resume_run:
            resume_run = resolve_run_id(store, resume_run)
        loaded = _problem(store, problem, file, answer, kind, resume_run)
        if resume_run:
            config = updated(config, "loop", reference_visible=keep_recorded_choice(
                store.run(resume_run)["config"], budgets.get("reference_visible")))
        if interactive and resume_run:
            config = _reopen(store, resume_run, config)
            config = apply_loop_options(config, profile, **budgets)  # flags still win over the saved budgets
        elif resume_run:
            if store.run(resume_run)["status"] == RunStatus.FINISHED:  # shown as it is, never recomputed
                click.echo(f"run {resume_run} is finished; nothing to resume (details: lemmata show {resume_run})",
                           err=True)
                _print(stored_result(store, resume_run), console, quiet)
                return
            config = _restore_loop(store, resume_run, config, profile, budgets)
        with served_model(config, serve_model, console) as config:
            config = check_before_run(config, console)
            if interactive:
                result = asyncio.run(_solve_interactive(loaded, config, store, console, resume_run))
            else:
                result = asyncio.run(_solve_live(loaded, config, store, console, quiet, resume_run))
    finally:
        store.close()
    if isinstance(result, Interrupted):
        resume = f"; resume with: lemmata solve --resume {result.run_id}" if result.run_id else ""
        click.echo(f"interrupted{resume}", err=True)
        sys.exit(130)
    if result is not None:
        _print(result, console, quiet and not interactive)


@dataclass(frozen=True)
class Interrupted:
    """Ctrl-C (or SIGTERM) stopped a plain solve; the run, if it had started, is resumable."""

    run_id: str | None


def _restore_loop(store: RunStore, run_id: str, config: Config, profile: str | None,
                  budgets: dict[str, int | None]) -> Config:
    """`config` with the budgets a resumed run started with, whatever flags are given now."""
    stored = json.loads(store.run(run_id)["config"] or "{}")
    try:
        loop = LoopSettings.model_validate(stored.get("loop", {}))
    except ValidationError as error:
        raise ProblemInputError(f"run {run_id}: its stored loop settings no longer load ({error.errors()[0]['msg']})") from None
    config = config.model_copy(update={"loop": loop, "profile": stored.get("profile", config.profile)})
    ignored = [f"--{name.replace('_', '-')}" for name, value in budgets.items() if value is not None]
    if ignored or profile is not None:
        click.echo(f"resuming {run_id} with the budgets it started with; ignored: "
                   f"{', '.join(ignored + (['--profile'] if profile else []))}", err=True)
    return config


def _problem(store: RunStore, problem: str | None, file: Path | None, answer: str | None, kind: str | None,
             resume_run: str | None) -> Problem:
    if resume_run:
        try:
            return problem_of_run(store, resume_run)
        except (LookupError, KeyError):
            raise ProblemInputError(f"no run '{resume_run}' to resume in {store.path}") from None
    if (problem is None) == (file is None):
        raise ProblemInputError("give the problem as an argument or with -f FILE (exactly one)")
    loaded = load_problem_file(file) if file else problem_from_text(problem)
    if answer is not None or kind is not None:
        loaded = Problem(loaded.id, loaded.text, answer or loaded.answer, ProblemKind(kind or loaded.kind), loaded.source)
    return loaded


async def _solve_live(problem: Problem, config: Config, store: RunStore, console: InertConsole, quiet: bool,
                      resume_run: str | None) -> SolveResult | Interrupted:
    started: list[str] = []

    def announce(run_id: str) -> None:
        started.append(run_id)
        click.echo(f"run {run_id} (after a crash: lemmata solve --resume {run_id})", err=True)

    task = asyncio.current_task()
    try:
        with ctrl_c_cancels(task, signal.SIGINT, signal.SIGTERM):
            if quiet or not console.is_terminal:
                return await solve_problem(problem, config, store, run_id=resume_run, on_run_started=announce)
            view = LoopView(problem.text, config.loop.rounds)
            with Live(view, console=console, refresh_per_second=4, transient=True):
                return await solve_problem(problem, config, store, run_id=resume_run, on_run_started=announce,
                                           on_event=view.on_event, on_tokens=view.on_tokens)
    except asyncio.CancelledError:  # the run is marked interrupted; resuming continues it
        return Interrupted(started[0] if started else resume_run)


def _reopen(store: RunStore, run_id: str, config: Config) -> Config:
    from lemmata.agent.session.runner import SessionEnd, is_session, restore_budgets

    if not is_session(store, run_id):
        raise ProblemInputError(f"run {run_id} is not an interactive session; continue it with lemmata solve --resume {run_id}")
    if store.run(run_id)["status"] == SessionEnd.FINISHED:
        raise ProblemInputError(f"session {run_id} is finished; lemmata show {run_id} prints it")
    return restore_budgets(store, run_id, config)


async def _solve_interactive(problem: Problem, config: Config, store: RunStore, console: InertConsole,
                             resume_run: str | None) -> SolveResult | None:
    """The session of `lemmata solve -i`; None when the person saved or quit before the end."""
    from lemmata.agent.session.runner import SessionEnd, run_session
    from lemmata.agent.views.session import SessionScreen, command_source

    def announce(run_id: str) -> None:
        console.print(f"[dim]session {run_id} · /help lists the commands · reopen with "
                      f"lemmata solve -i --resume {run_id}[/]", soft_wrap=True)

    if config.loop.shots != 1:
        console.print("[dim]an interactive session works one shot[/]")
    screen = SessionScreen(console, problem.text, config.loop.rounds)
    screen.show_problem()
    history = Path(config.store.path).with_suffix(".history")
    outcome = await run_session(problem, config, store, command_source(console, history), screen,
                                run_id=resume_run, on_run_started=announce)
    if outcome.end is SessionEnd.PAUSED:
        console.print(f"session {outcome.run_id} saved: lemmata solve -i --resume {outcome.run_id}", soft_wrap=True)
    elif outcome.end is SessionEnd.QUIT:
        console.print(f"session {outcome.run_id} left unfinished (status quit)")
    return outcome.result


def _print(result: SolveResult, console: InertConsole, quiet: bool) -> None:
    if quiet:
        click.echo(inert(result.answer or ""))
    else:
        if result.answer:
            shown = readable(result.answer)
        elif result.solution:
            shown = readable(result.solution)
        else:
            shown = f"[yellow]no solution ({result.status})[/]"
        shots = ", ".join(f"{shot}: {status}" for shot, status in sorted(result.shots.items()))
        console.print(Panel(shown, title=f"answer · run {result.run_id} · {result.status}",
                            subtitle=f"shots {shots}", border_style="green"))
        console.print(f"[dim]details: lemmata show {result.run_id}[/]")
    if result.solution is None:
        sys.exit(2)
