"""Finding runs: the latest one, those whose id starts with a prefix, one counted row per run for
`lemmata runs`, and the interactive sessions. Cheap reads: no round or call is loaded."""

from __future__ import annotations

from typing import NamedTuple

from lemmata.memory.statuses import FINISHED_SHOTS, RoundStatus
from lemmata.memory.store import RunStore


class RunRow(NamedTuple):
    """One run with its counts."""

    id: str
    command: str | None
    status: str | None
    created_at: str | None
    config: str | None
    """The stored configuration, as JSON text."""
    samples_done: int
    """Samples that ran to their end (verified, unverified or without a solution)."""
    graded: int
    correct: int
    first_problem: str | None
    """The smallest problem id among the run's samples."""


class SessionRow(NamedTuple):
    """One interactive session."""

    id: str
    status: str | None
    problem_text: str | None
    rounds_done: int
    """The latest round whose lemmas were verified."""
    lemmas: int
    last_activity: str


def latest_run_id(store: RunStore) -> str | None:
    row = store.db.execute("select id from runs order by created_at desc, rowid desc limit 1").fetchone()
    return row[0] if row else None


def run_ids_starting(store: RunStore, prefix: str, limit: int) -> list[str]:
    """Up to `limit` run ids beginning with `prefix` (taken literally), the oldest first."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [row[0] for row in store.db.execute(
        "select id from runs where id like ? escape '\\' order by created_at limit ?", [escaped + "%", limit])]


_RUNS_SQL = f"""
select r.id, r.command, r.status, r.created_at, r.config,
  (select count(*) from samples s where s.run_id = r.id
     and s.status in ({", ".join("?" for _ in FINISHED_SHOTS)})),
  (select count(*) from grades g where g.run_id = r.id),
  (select count(*) from grades g where g.run_id = r.id and g.verdict = 'correct'),
  (select min(s.problem_id) from samples s where s.run_id = r.id)
from runs r order by r.created_at desc, r.rowid desc limit ?
"""


def run_rows(store: RunStore, limit: int) -> list[RunRow]:
    """The latest `limit` runs, newest first."""
    return [RunRow(*row) for row in store.db.execute(_RUNS_SQL, [*FINISHED_SHOTS, limit])]


_SESSIONS_SQL = """
select r.id, r.status, p.text,
       (select coalesce(max(round), 0) from rounds where run_id = r.id and status = ?) as rounds_done,
       (select count(*) from lemma_uses where run_id = r.id) as lemmas,
       max(r.created_at, coalesce(r.finished_at, ''),
           coalesce((select max(created_at) from calls where run_id = r.id), '')) as last_activity
from runs r
left join samples s on s.run_id = r.id and s.sample = 0
left join problems p on p.id = s.problem_id
where r.command = ?
order by last_activity desc
"""


def session_rows(store: RunStore, command: str) -> list[SessionRow]:
    """Every run made by `command` (the interactive one), the latest activity first."""
    return [SessionRow(*row) for row in store.db.execute(_SESSIONS_SQL, [RoundStatus.VERIFIED, command]).fetchall()]


def run_command(store: RunStore, run_id: str) -> str | None:
    """The command that started the run; None when there is no such run."""
    row = store.db.execute("select command from runs where id = ?", [run_id]).fetchone()
    return row[0] if row else None
