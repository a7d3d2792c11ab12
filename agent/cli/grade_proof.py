"""`lemmata grade-proof PROBLEM_FILE PROOF_FILE`: grade one proof on the 0-7 scale."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from pathlib import Path

import click

from lemmata.agent.cli.options import guarded, model_options
from lemmata.agent.config import Config, updated
from lemmata.agent.problems import ProblemKind, load_problem_file, problem_from_text, read_text_file
from lemmata.agent.evaluation.proof_grader import ProofJob, grade_in_new_run
from lemmata.agent.evaluation.proof_grades import ProofGrade, ProofScale
from lemmata.memory import RunStore


def grading_options(command):
    """--graders and --scale, overriding [grading] in lemmata.toml."""
    command = click.option("--graders", type=click.IntRange(1, 32),
                           help="Independent graders; the grade is their median ([grading] proof_graders).")(command)
    return click.option("--scale", type=click.Choice([s.value for s in ProofScale]),
                        help="7-6-1-0 (IMO-ProofBench buckets) or 0-7 ([grading] proof_scale).")(command)


def apply_grading_options(config: Config, graders: int | None, scale: str | None) -> Config:
    """`config` with the grading flags given applied."""
    changes = {"proof_graders": graders, "proof_scale": ProofScale(scale) if scale is not None else None}
    return updated(config, "grading", **{key: value for key, value in changes.items() if value is not None})


@click.command("grade-proof")
@click.argument("problem_file", type=click.Path(path_type=Path))
@click.argument("proof_file", type=click.Path(path_type=Path))
@click.option("--reference", type=click.Path(path_type=Path), help="A reference solution the grader may read.")
@click.option("--guidelines", type=click.Path(path_type=Path), help="Grading guidelines (a marking scheme).")
@grading_options
@model_options
@guarded
def command(config: Config, problem_file: Path, proof_file: Path, reference: Path | None, guidelines: Path | None,
            graders: int | None, scale: str | None) -> None:
    """Grade the proof in PROOF_FILE of the problem in PROBLEM_FILE; the grade is stored as a run."""
    config = apply_grading_options(config, graders, scale)
    stated = load_problem_file(problem_file)
    problem = dataclasses.replace(problem_from_text(stated.text, source=str(problem_file)), kind=ProblemKind.PROOF,
                                  reference=reference and read_text_file(reference),
                                  guidelines=guidelines and read_text_file(guidelines))
    proof = read_text_file(proof_file)
    store = RunStore(config.store.path)
    try:
        run_id, (grade,) = asyncio.run(grade_in_new_run(config, store, "grade-proof", [ProofJob(problem, 0, proof)]))
    finally:
        store.close()
    click.echo(describe(grade))
    click.echo(f"run {run_id} (stored in {config.store.path})", err=True)
    if grade.score is None:
        sys.exit(1)


def describe(grade: ProofGrade) -> str:
    """The grade in a few lines; model text is made terminal-safe."""
    scores = " ".join("-" if s is None else str(s) for s in grade.grader_scores)
    if grade.score is None:
        return f"grade failed ({grade.mode.value}): {printable(grade.reason or 'no reason recorded')}"
    lines = [f"grade {grade.score}/{grade.max_score} ({grade.mode.value}; median of graders: {scores}; "
             f"spread {grade.spread})",
             "credited: " + (printable("; ".join(grade.credited)) or "none"),
             "first fatal error: " + printable(grade.first_fatal_error or "none")]
    if grade.reason:
        lines.append(f"parse failures: {grade.parse_failures} ({printable(grade.reason)})")
    return "\n".join(lines)


def printable(text: str) -> str:
    """Untrusted text on one line, with control characters (escape sequences) shown as '?'."""
    return "".join(c if c.isprintable() else " " if c in "\n\t" else "?" for c in text)
