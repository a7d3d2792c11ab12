"""The run store opened read-only, with the reads the viewer makes: a query can never change it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database


def open_read_only(path: Path) -> Database:
    """The store opened with mode=ro."""
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    connection.execute("PRAGMA query_only = ON")
    return Database(connection)


class ReadOnlyStore:
    """The `RunStore` attributes shared readers use (`db`, `path`), and the viewer's reads; every
    read of one row returns None when there is no such row."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = open_read_only(self.path)

    def close(self) -> None:
        self.db.conn.close()

    def run(self, run_id: str) -> dict | None:
        return self._one("select * from runs where id = ?", [run_id])

    def problem(self, problem_id: str) -> dict | None:
        return self._one("select * from problems where id = ?", [problem_id])

    def sample(self, run_id: str, problem_id: str, number: int) -> dict | None:
        return self._one("select * from samples where run_id = ? and problem_id = ? and sample = ?",
                         [run_id, problem_id, number])

    def grade(self, run_id: str, problem_id: str, number: int) -> dict | None:
        return self._one("select * from grades where run_id = ? and problem_id = ? and sample = ?",
                         [run_id, problem_id, number])

    def problems_in_sample_order(self, run_id: str) -> list[str]:
        """The run's problems in the order their first sample was stored."""
        return [row[0] for row in self.db.execute(
            "select problem_id from samples where run_id = ? group by problem_id order by min(id)", [run_id])]

    def graded_samples(self, run_id: str, problem_ids: list[str]) -> list[tuple[str, int, str, str, str]]:
        """(problem, sample, status, answer, grade verdict) of these problems' samples."""
        marks = ", ".join("?" for _ in problem_ids)
        return self.db.execute(
            f"select s.problem_id, s.sample, s.status, s.answer, g.verdict from samples s left join grades g "
            f"on g.run_id = s.run_id and g.problem_id = s.problem_id and g.sample = s.sample "
            f"where s.run_id = ? and s.problem_id in ({marks})", [run_id, *problem_ids]).fetchall()

    def shot_table(self, table: str, run_id: str, problem_id: str, number: int, order: str) -> list[dict]:
        """One shot's rows of `table` (rounds, verdicts, revisions, geometry_steps)."""
        if table not in _SHOT_TABLES:
            raise ValueError(f"{table} is not a per-shot table")
        return list(self.db.query(f"select * from [{table}] where run_id = ? and problem_id = ? and shot = ? "
                                  f"order by {order}", [run_id, problem_id, number]))

    def shot_calls(self, run_id: str, problem_id: str, number: int) -> list[dict]:
        return list(self.db.query("select * from calls where run_id = ? and problem_id = ? and "
                                  "json_extract(tags, '$.shot') = ?", [run_id, problem_id, number]))

    def shot_lemmas(self, run_id: str, problem_id: str, number: int) -> list[dict]:
        """The lemmas of the shot's library, with the number it shows and the round that added them."""
        return list(self.db.query(
            "select l.*, u.number as shown_number, u.round as added_round from lemma_uses u join lemmas l on "
            "l.id = u.lemma_id where u.run_id = ? and u.problem_id = ? and u.shot = ? order by u.round, u.id",
            [run_id, problem_id, number]))

    def shot_lemma_votes(self, run_id: str, number: int) -> list[dict]:
        return list(self.db.query("select * from lemma_votes where run_id = ? and shot = ? order by id",
                                  [run_id, number]))

    def _one(self, sql: str, args: list[Any]) -> dict | None:
        rows = list(self.db.query(sql, args))
        return rows[0] if rows else None


_SHOT_TABLES = frozenset({"rounds", "verdicts", "revisions", "geometry_steps"})
