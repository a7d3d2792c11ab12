"""Combine shard databases of one batch into a single run that reports as if it were one."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from lemmata.memory.store import RunStore, now
from lemmata.memory.statuses import RunStatus

# Integer ids that other rows point at, and the columns that point at them.
REFERENCES = {
    "calls": ("call_id", "reasoner_call_id", "summarizer_call_id"),
    "lemmas": ("lemma_id", "cited_id", "fixed_of", "superseded_by", "new_lemma_id", "supersedes", "imported_from"),
}
COPIED_TABLES = ("calls", "samples", "rounds", "revisions", "verdicts", "selections", "grades",
                 "lemmas", "lemma_uses", "lemma_edges", "lemma_votes", "lemma_edits")


class MergeError(Exception):
    """Shard databases that cannot be merged (overlapping problems, no batch run, ...)."""


def merge_shards(target: RunStore, shards: list[Path]) -> str:
    """Copy every shard's batch run into `target` as one new run; returns its id."""
    merged_id = uuid.uuid4().hex[:12]
    with target.transaction() as db:  # first, so that copied rows can point at it
        db["runs"].insert({"id": merged_id, "created_at": now(), "status": RunStatus.MERGING, "command": "batch", "config": "{}"})
    plans, statuses, seen_problems = [], [], set()
    for path in shards:
        shard = RunStore(path)
        try:
            runs = [r for r in shard.db["runs"].rows if r["command"] == "batch"]
            if len(runs) != 1:
                raise MergeError(f"{path}: expected one batch run, found {len(runs)}")
            run = runs[0]
            config = json.loads(run["config"])
            problems = set(config["batch"]["problem_ids"])
            if problems & seen_problems:
                raise MergeError(f"{path}: shares problems with an earlier shard ({sorted(problems & seen_problems)[:3]} ...)")
            seen_problems |= problems
            plans.append(config)
            statuses.append(run["status"])
            _copy_run(shard, target, run["id"], merged_id)
        finally:
            shard.close()
    config = plans[0]
    config["batch"]["problem_ids"] = sorted(seen_problems)
    config["merged_from"] = [str(path) for path in shards]
    status = RunStatus.FINISHED if all(s == RunStatus.FINISHED for s in statuses) else RunStatus.PARTIAL
    with target.transaction() as db:
        db["runs"].update(merged_id, {"finished_at": now(), "status": status, "config": json.dumps(config, sort_keys=True)})
    return merged_id


def _copy_run(shard: RunStore, target: RunStore, run_id: str, merged_id: str) -> None:
    offsets = {table: _max_id(target, table) for table in REFERENCES}
    with target.transaction() as db:
        for row in shard.db["problems"].rows:
            db["problems"].upsert(row, pk="id")
        for table in COPIED_TABLES:
            if table not in shard.db.table_names():
                continue
            rows = [_moved(row, table, offsets, merged_id) for row in shard.db[table].rows_where("run_id = ?", [run_id])]
            if table == "lemmas":  # lemmas without a run_id (user or imported) stay with their problem
                rows += [_moved(row, table, offsets, merged_id) for row in shard.db[table].rows_where("run_id is null")]
            if rows:
                db[table].insert_all(rows)


def _moved(row: dict, table: str, offsets: dict[str, int], merged_id: str) -> dict:
    row = dict(row)
    if "run_id" in row and row["run_id"] is not None:
        row["run_id"] = merged_id
    if table in offsets and row.get("id") is not None:
        row["id"] += offsets[table]
    elif "id" in row:
        del row["id"]  # nothing points at these rows: let the target number them
    for referenced, columns in REFERENCES.items():
        for column in columns:
            if row.get(column) is not None:
                row[column] += offsets[referenced]
    return row


def _max_id(store: RunStore, table: str) -> int:
    return store.db.execute(f"select coalesce(max(id), 0) from [{table}]").fetchone()[0]
