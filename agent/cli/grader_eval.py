"""`lemmata grader-eval FILE`: grade a human-graded set of proofs and report the agreement."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from lemmata.agent.cli.grade_proof import apply_grading_options, grading_options
from lemmata.agent.cli.options import guarded, model_options
from lemmata.agent.config import Config
from lemmata.agent.evaluation.grader_eval import BUCKETS, FAILED, Agreement, agreement, load_human_graded
from lemmata.agent.evaluation.proof_grader import ProofJob, grade_in_new_run
from lemmata.agent.evaluation.report_text import Cells, rich_table
from lemmata.memory import RunStore


@click.command("grader-eval")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--concurrency", "-c", type=click.IntRange(1, 256), default=8, show_default=True,
              help="Proofs graded at once.")
@click.option("--json", "as_json", is_flag=True, help="Print the agreement as JSON.")
@grading_options
@model_options
@guarded
def command(config: Config, file: Path, concurrency: int, as_json: bool, graders: int | None,
            scale: str | None) -> None:
    """Grade every proof of FILE (JSONL: problem, proof, human_score 0-7, optional reference and
    guidelines) and report bucket accuracy, mean absolute error, Spearman and a confusion matrix."""
    config = apply_grading_options(config, graders, scale)
    rows = load_human_graded(file)
    jobs = [ProofJob(row.problem, index, row.proof) for index, row in enumerate(rows)]
    store = RunStore(config.store.path)
    try:
        run_id, grades = asyncio.run(grade_in_new_run(config, store, "grader-eval", jobs, concurrency))
    finally:
        store.close()
    result = agreement([row.human_score for row in rows], grades)
    if as_json:
        click.echo(json.dumps({"run_id": run_id, "mode": config.grading.proof_scale.value,
                               "graders": config.grading.proof_graders, **result.to_dict()}, indent=2))
        return
    click.echo(headline(result, run_id, config.grading.proof_scale.value, config.grading.proof_graders))
    Console().print(confusion_table(result))


def headline(result: Agreement, run_id: str, mode: str, graders: int) -> str:
    mae = "-" if result.mean_absolute_error is None else f"{result.mean_absolute_error:.2f}"
    rho = "-" if result.spearman is None else f"{result.spearman:.3f}"
    return (f"grader-eval run {run_id} ({mode}, {graders} graders): {result.rows} proofs, {result.failed} ungraded · "
            f"bucket accuracy {100 * result.bucket_accuracy:.1f}% · mean absolute error {mae} · Spearman {rho}")


def confusion_table(result: Agreement) -> Table:
    columns = [*(str(b) for b in BUCKETS), FAILED]
    cells = Cells(["human \\ grader", *columns],
                  [[_bucket_name(h), *(str(result.confusion[h][c]) for c in columns)] for h in result.confusion])
    return rich_table(cells, "confusion matrix (human bucket by grader bucket; 1 = 1-5)")


def _bucket_name(key: str) -> str:
    return "1 (1-5)" if key == "1" else key
