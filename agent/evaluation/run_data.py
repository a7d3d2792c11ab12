"""Load a batch run from the run store into the report's `RunData` (one outcome per sample)."""

from __future__ import annotations

import json
from datetime import datetime

from lemmata.agent.loop.reference import recorded_choice
from lemmata.agent.evaluation.report import RunData, SampleOutcome
from lemmata.engines.answers import Verdict, grade
from lemmata.agent.evaluation.proof_grades import PASS_SCORE
from lemmata.memory import RunStore, proof_records
from lemmata.memory import loop_records as records


def load_run_data(store: RunStore, run_id: str) -> RunData:
    """Raises RunNotFound when there is no such run."""
    run = store.run(run_id)
    config = json.loads(run["config"] or "{}")
    grades = records.grades(store, run_id)
    proofs = proof_records.proof_grades(store, run_id)
    finals = records.final_revisions(store, run_id)
    tokens = records.tokens_by_role(store, run_id)
    rows = sorted(store.samples(run_id), key=lambda row: (row["problem_id"], row["sample"]))
    keys = _answer_keys(rows)
    samples = []
    for row in rows:
        key = (row["problem_id"], row["sample"])
        graded = grades.get(key)
        final = finals.get(key)
        samples.append(SampleOutcome(
            problem_id=row["problem_id"],
            sample=row["sample"],
            answer=row["answer"],
            answer_key=keys.get(key),
            correct=_proof_success(proofs[key]) if key in proofs else
            None if graded is None else graded["verdict"] == Verdict.CORRECT.value,
            verifier_pass_rate=final["passes"] / final["votes"] if final and final["votes"] else None,
            tokens_by_role=tokens.get(key, {}),
            wall_s=_seconds(row["created_at"], row["finished_at"]),
            status=row["status"] or "",
        ))
    model = (config.get("defaults") or {}).get("model")
    dataset = (config.get("batch") or {}).get("dataset")
    return RunData(run_id, dataset, run["created_at"], model, samples, recorded_choice(config))


def _proof_success(grade: dict) -> bool | None:
    """A proof succeeds when graded PASS_SCORE (6) or more; a failed grade is unknown (counts as wrong)."""
    return None if grade["score"] is None else grade["score"] >= PASS_SCORE


def _answer_keys(rows: list[dict]) -> dict[tuple[str, int], str]:
    """Equivalent answers of one problem share a key: the first spelling seen."""
    keys: dict[tuple[str, int], str] = {}
    spellings: dict[str, list[str]] = {}
    for row in rows:
        answer = row["answer"]
        if answer is None:
            continue
        known = spellings.setdefault(row["problem_id"], [])
        match = next((k for k in known if k.strip() == answer.strip()), None)
        if match is None:
            match = next((k for k in known if grade(k, f"\\boxed{{{answer}}}").verdict == Verdict.CORRECT), None)
        if match is None:
            known.append(answer)
            match = answer
        keys[(row["problem_id"], row["sample"])] = match
    return keys


def _seconds(start: str | None, end: str | None) -> float:
    if not start or not end:
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
