"""Full-text search over lemma statements (SQLite FTS5), with the user's text always escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lemmata.memory.lemmas.records import LemmaOrigin, LemmaStatus

if TYPE_CHECKING:
    from lemmata.memory.store import RunStore

MAX_QUERY_TERMS = 64
"""A problem text used as a query keeps at most this many distinct words (longer is slow, not better)."""

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str, *, any_term: bool = False) -> str:
    """An FTS5 query matching the words of `text`: each word quoted, so no operator can leak in.

    All words must match unless `any_term` (then any may, and bm25 ranks by how many and how
    rare). Returns "" when the text has no words.
    """
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))
    if any_term:
        words = [word for word in words if len(word) > 2][:MAX_QUERY_TERMS]
    quoted = [f'"{word}"' for word in words]  # \w+ never contains a double quote
    return (" OR " if any_term else " ").join(quoted)


@dataclass(frozen=True)
class LemmaSummary:
    """One stored lemma in a list or search result (no proof, no votes)."""

    id: int
    problem_id: str
    number: str
    """The number in the library where it first appeared."""
    statement: str
    confidence: float | None
    passes: int
    votes: int
    proven: bool
    origin: LemmaOrigin
    status: LemmaStatus
    round: int | None
    occurrences: int
    """How many (run, shot) libraries hold it."""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> LemmaSummary:
        return cls(
            id=row["id"], problem_id=row["problem_id"], number=row["number"] or "",
            statement=row["statement"], confidence=row["confidence"], passes=row["passes"] or 0,
            votes=row["votes"] or 0, proven=bool(row["proven"]), origin=LemmaOrigin(row["origin"]),
            status=LemmaStatus(row["status"]), round=row["round"], occurrences=row.get("occurrences") or 0,
        )


def search_lemmas(store: RunStore, query: str, limit: int = 20, *, problem_id: str | None = None,
                  include_superseded: bool = False) -> list[LemmaSummary]:
    """Lemmas whose statements contain every word of `query`, best match first."""
    match = fts_query(query)
    if not match:
        return []
    return _search(store, match, limit=limit, problem_id=problem_id, include_superseded=include_superseded)


def search_related(store: RunStore, text: str, *, exclude_problem: str, min_confidence: float,
                   limit: int) -> list[LemmaSummary]:
    """Verified, live lemmas of other problems ranked by how well they match `text` (any word)."""
    match = fts_query(text, any_term=True)
    if not match:
        return []
    where = ("problem_id != :exclude and status in ('active', 'pinned') and proven = 1 "
             "and confidence >= :min_confidence")
    rows = store.db["lemmas"].search(
        match, where=where, where_args={"exclude": exclude_problem, "min_confidence": min_confidence},
        limit=limit)
    return [LemmaSummary.from_row(row) for row in rows]


def _search(store: RunStore, match: str, *, limit: int, problem_id: str | None,
            include_superseded: bool) -> list[LemmaSummary]:
    conditions, args = [], {}
    if problem_id is not None:
        conditions.append("problem_id = :problem_id")
        args["problem_id"] = problem_id
    if not include_superseded:
        conditions.append("status != 'superseded'")
    rows = store.db["lemmas"].search(
        match, where=" and ".join(conditions) or None, where_args=args or None, limit=limit)
    summaries = []
    for row in rows:
        row["occurrences"] = store.db.execute(
            "select count(*) from lemma_uses where lemma_id = ?", [row["id"]]).fetchone()[0]
        summaries.append(LemmaSummary.from_row(row))
    return summaries
