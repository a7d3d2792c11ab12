"""Load a batch run from the run store into the report's `RunData` (one outcome per sample)."""

from __future__ import annotations

import json
from datetime import datetime

from lemmata.agent.loop.reference import recorded_choice
from lemmata.agent.evaluation.report import RunData, SampleOutcome
from lemmata.engines.answers import Verdict, grade
from lemmata.agent.evaluation.proof_grades import PASS_SCORE
from lemmata.memory import RunStore, proof_records


def load_run_data(store: RunStore, run_id: str) -> RunData:
    """Raises sqlite_utils' NotFoundError when there is no such run."""
    run = store.run(run_id)
    config = json.loads(run["config"] or "{}")
    grades = {(g["problem_id"], g["sample"]): g for g in store.db["grades"].rows_where("run_id = ?", [run_id])}
    proofs = proof_records.proof_grades(store, run_id)
    finals = _final_revisions(store, run_id)
    tokens = _tokens_by_role(store, run_id)
    rows = list(store.db["samples"].rows_where("run_id = ?", [run_id], order_by="problem_id, sample"))
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


def _final_revisions(store: RunStore, run_id: str) -> dict[tuple[str, int], dict]:
    finals: dict[tuple[str, int], dict] = {}
    for row in store.db["revisions"].rows_where("run_id = ?", [run_id], order_by="loop"):
        finals[(row["problem_id"], row["shot"])] = row
    return finals


def _tokens_by_role(store: RunStore, run_id: str) -> dict[tuple[str, int], dict[str, int]]:
    totals: dict[tuple[str, int], dict[str, int]] = {}
    for problem_id, shot, role, tokens in store.db.execute(
        "select problem_id, json_extract(tags, '$.shot'), role, sum(prompt_tokens + completion_tokens) "
        "from calls where run_id = ? group by 1, 2, 3", [run_id]):
        if shot is not None:
            totals.setdefault((problem_id, int(shot)), {})[role] = int(tokens or 0)
    return totals


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
