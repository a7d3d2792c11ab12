"""Everything one run recorded, read at once for `lemmata show`, and what its failures left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from lemmata.memory.store import RunStore


@dataclass(frozen=True)
class RunRecords:
    """A run's rows, table by table, in the order a reader follows them."""

    run: dict
    samples: list[dict]
    rounds: list[dict]
    """By shot, then round."""
    lemma_votes: list[dict]
    verdicts: list[dict]
    revisions: list[dict]
    """By shot, then loop."""
    selections: list[dict]
    comparisons: list[dict]
    selection_grades: list[dict]
    critique_checks: list[dict]
    conjectures: list[dict]
    """By shot, then as written."""


def run_records(store: RunStore, run_id: str) -> RunRecords:
    """Raises RunNotFound when there is no such run."""
    run = store.run(run_id)

    def rows(table: str, order: str = "id") -> list[dict]:
        return list(store.db[table].rows_where("run_id = ?", [run_id], order_by=order))

    return RunRecords(run, rows("samples"), rows("rounds", "shot, round"), rows("lemma_votes"), rows("verdicts"),
                      rows("revisions", "shot, loop"), rows("selections"), rows("comparisons"),
                      rows("selection_grades"), rows("critique_checks"), rows("conjectures", "shot, id"))


class FailedCalls(NamedTuple):
    """Model calls of one role that failed with one error."""

    role: str
    error: str
    count: int


def failed_samples(store: RunStore, run_id: str, limit: int) -> list[dict]:
    """The first `limit` samples that recorded an error."""
    return list(store.db["samples"].rows_where("run_id = ? and error is not null", [run_id], order_by="id",
                                               limit=limit))


def failed_calls(store: RunStore, run_id: str, limit: int) -> list[FailedCalls]:
    """The run's failed model calls grouped by role and error, the most recent first."""
    return [FailedCalls(*row) for row in store.db.execute(
        "select role, error, count(*) from calls where run_id = ? and error is not null "
        "group by role, error order by max(id) desc limit ?", [run_id, limit]).fetchall()]
