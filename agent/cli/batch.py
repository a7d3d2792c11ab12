"""`lemmata batch DATASET`: solve a competition set, resumable, with live progress."""

from __future__ import annotations

import asyncio
import signal
import sys

import click
from rich.live import Live

from lemmata.agent.evaluation.batch import BatchPlan, BatchProgress, grading_of_run, plan_of_run, run_batch, start_batch
from lemmata.agent.views.batch import BatchView
from lemmata.agent.cli.doctor import check_before_run
from lemmata.agent.cli.options import guarded, model_options, serve_option, served_model
from lemmata.agent.cli.solve import apply_loop_options, loop_options
from lemmata.agent.config import Config, updated
from lemmata.agent.datasets import SHIPPED, resolve_dataset, shard
from lemmata.agent.errors import ProblemInputError
from lemmata.agent.loop.settings import LoopSettings
from lemmata.agent.loop.reference import keep_recorded_choice
from lemmata.agent.loop.roles import Role
from lemmata.agent.evaluation.runs import resolve_run_id
from lemmata.engines.llm import ModelCallError
from lemmata.memory import RunStore
from lemmata.memory.statuses import RunStatus
from lemmata.memory.store_errors import StoreError, StoreFullError
from lemmata.memory.terminal_text import InertConsole, inert


@click.command("batch")
@click.argument("dataset", required=False)
@click.option("--samples", "-n", type=click.IntRange(min=1), default=4, show_default=True, help="Independent samples per problem.")
@click.option("--concurrency", "-c", type=click.IntRange(min=1), default=16, show_default=True, help="Samples in flight at once.")
@click.option("--shard", "shard_spec",
              help="Take the deterministic share I of N problems, as I/N: I from 1 to N, or 0 to N-1 (SLURM array ids).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N problems (after sharding).")
@click.option("--resume", "resume_run", help="Continue a batch run after a crash or Ctrl-C.")
@serve_option
@loop_options
@model_options
@guarded
def command(config: Config, dataset: str | None, samples: int, concurrency: int, shard_spec: str | None,
            limit: int | None, resume_run: str | None, serve_model: str | None, profile: str | None,
            **budgets: int | bool | None) -> None:
    """Solve DATASET (aime2025, hmmt_feb2025, a .jsonl file or a directory of problem files)."""
    store = RunStore(config.store.path)
    console = InertConsole(stderr=True)
    try:
        if resume_run:
            resume_run = resolve_run_id(store, resume_run)
            if store.run(resume_run)["status"] == RunStatus.FINISHED:  # shown as it is, never recomputed
                click.echo(f"run {resume_run} is finished; nothing to resume (report: lemmata report {resume_run})",
                           err=True)
                return
            try:
                plan, problems, loop = plan_of_run(store, resume_run)
            except LookupError as error:
                raise ProblemInputError(str(error)) from None
            config = config.model_copy(update={  # the budgets and grading the run started with
                "loop": LoopSettings.model_validate(loop), "grading": grading_of_run(store, resume_run)})
            config = updated(config, "loop", reference_visible=keep_recorded_choice(
                store.run(resume_run)["config"], budgets.get("reference_visible")))
            run_id = resume_run
        else:
            if dataset is None:
                raise ProblemInputError(f"name a dataset ({', '.join(SHIPPED)}, a .jsonl file or a directory) or --resume RUN_ID")
            config = apply_loop_options(config, profile, **budgets)
            name, problems = resolve_dataset(dataset)
            if shard_spec:
                index, count = _parse_shard(shard_spec)
                problems = shard(problems, index, count)
            problems = problems[:limit] if limit else problems
            plan = BatchPlan(name, [p.id for p in problems], samples, concurrency, judge=Role.JUDGE in config.roles)
            run_id, problems, plan = start_batch(store, config, problems, plan)
        click.echo(f"run {run_id} ({len(problems)} problems x {plan.samples} samples; "
                   f"resume with: lemmata batch --resume {run_id})", err=True)
        progress = BatchProgress()
        with served_model(config, serve_model, console) as config:
            try:
                config = check_before_run(config, console)
            except ModelCallError:
                store.finish_run(run_id, RunStatus.FAILED)
                raise
            try:
                status = asyncio.run(_run_live(run_id, problems, plan, config, store, progress, console))
            except StoreFullError as error:
                _mark_stopped(store, run_id)
                raise click.ClickException(f"{error}: lemmata batch --resume {run_id}") from None
        if status == RunStatus.FINISHED and progress.failed_samples and not progress.samples_done:
            status = RunStatus.FAILED  # no sample succeeded: a wrong model, a dead server, a bad key
        store.finish_run(run_id, status)
    finally:
        store.close()
    accuracy = "-" if progress.accuracy is None else f"{100 * progress.accuracy:.1f}%"
    proofs = "" if progress.mean_proof_score is None else f", mean proof score {progress.mean_proof_score:.2f}/7"
    click.echo(f"run {run_id}: {status}; {progress.samples_done}/{progress.samples_total} samples, "
               f"accuracy {accuracy}{proofs}; report: lemmata report {run_id}")
    if status == RunStatus.FAILED and progress.errors:
        cause, count = progress.errors.most_common(1)[0]
        click.echo(f"error: no sample succeeded; {count} of {progress.failed_samples} failed with: {inert(cause)}",
                   err=True)
    if status != RunStatus.FINISHED:
        sys.exit(130 if status == RunStatus.INTERRUPTED else 1)


def _mark_stopped(store: RunStore, run_id: str) -> None:
    """Best effort: with the disk full even this small write may fail; --resume works either way."""
    try:
        store.finish_run(run_id, RunStatus.INTERRUPTED)
    except StoreError:
        pass


async def _run_live(run_id, problems, plan, config, store, progress, console) -> RunStatus:
    stop = asyncio.Event()
    task = asyncio.current_task()
    presses = 0

    def on_interrupt() -> None:
        nonlocal presses
        presses += 1
        progress.stopping = True
        stop.set()
        if presses > 1:
            task.cancel()

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, on_interrupt)
    loop.add_signal_handler(signal.SIGTERM, on_interrupt)
    view = BatchView(progress, plan.dataset)
    try:
        with Live(view, console=console, refresh_per_second=2, transient=not console.is_terminal):
            await run_batch(run_id, problems, plan, config, store, progress, stop=stop)
    except asyncio.CancelledError:
        return RunStatus.INTERRUPTED
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        loop.remove_signal_handler(signal.SIGTERM)
    if stop.is_set() and progress.samples_done < progress.samples_total:
        return RunStatus.INTERRUPTED
    return RunStatus.FINISHED


def _parse_shard(spec: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError:
        raise ProblemInputError(f"--shard {spec}: expected I/N, e.g. 2/4") from None
    return index, count
