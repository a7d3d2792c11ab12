"""The lemma library of one shot (run, problem, shot): add with deduplication, votes, rendering, edits."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from lemmata.memory.lemmas.errors import LemmaNotFound, LemmaNotInLibrary, LemmaSuperseded
from lemmata.memory.lemmas.records import LemmaDraft, LemmaEditAction, LemmaOrigin, LemmaStatus, VerifierVote
from lemmata.memory.lemmas.search import search_related
from lemmata.memory.lemmas.text import (
    DEFAULT_LIBRARY_BUDGET_TOKENS,
    RenderedLemma,
    lemma_references,
    render_cited,
    render_library,
    renumber,
    statement_hash,
)
from lemmata.memory.store import RunStore, now

_LEADING_INTEGER = re.compile(r"^\s*(\d+)")

# A library's entries: its uses joined to the lemmas, with the problem-wide occurrence count.
_ENTRIES_SQL = """
select l.*, u.number as use_number, u.round as use_round, u.cites as use_cites,
       u.renumbering as use_renumbering,
       (select count(*) from lemma_uses o where o.lemma_id = l.id) as occurrences
from lemma_uses u join lemmas l on l.id = u.lemma_id
where u.run_id = :run_id and u.problem_id = :problem_id and u.shot = :shot
"""


@dataclass
class LibraryEntry:
    """One lemma as a shot's library sees it."""

    id: int
    """Lemma row id: stable, used by votes, edits and `lemmata lemmas show ID`."""
    number: str
    """Its number in this shot's library ("3", "3-fixed")."""
    statement: str
    steps: list[str]
    cites: list[str]
    """Lemma numbers (of this library) that its proof cites."""
    proven: bool
    confidence: float | None
    """passes / votes; None before any vote."""
    passes: int
    votes: int
    origin: LemmaOrigin
    status: LemmaStatus
    round: int
    """The round in which it entered this library."""
    occurrences: int
    """How many (run, shot) libraries hold this lemma for this problem."""
    fixed_of: int | None = None
    """Id of the lemma this one corrects ("3-fixed" corrects 3)."""
    version: int = 1
    """1 for the lemma as proposed; each human edit makes a new version."""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> LibraryEntry:
        """Statement and steps come with their "Lemma N" references in this library's numbering."""
        renumbering = json.loads(row["use_renumbering"] or "{}")
        return cls(
            id=row["id"], number=row["use_number"], statement=renumber(row["statement"], renumbering),
            steps=[renumber(step, renumbering) for step in json.loads(row["steps"] or "[]")],
            cites=json.loads(row["use_cites"] or "[]"),
            proven=bool(row["proven"]), confidence=row["confidence"], passes=row["passes"] or 0,
            votes=row["votes"] or 0, origin=LemmaOrigin(row["origin"]), status=LemmaStatus(row["status"]),
            round=row["use_round"] or 0, occurrences=row["occurrences"], fixed_of=row["fixed_of"],
            version=row["version"] or 1,
        )


class LemmaLibrary:
    """The lemma library of one shot (run, problem, shot), backed by the run store.

    A lemma belongs to its problem; a library holds it through a `lemma_uses` row carrying the
    number this shot gave it. The same statement proposed by another shot or run is linked, not
    copied, so votes and human judgements (pin, reject, edit) are shared problem-wide.
    """

    def __init__(self, store: RunStore, *, run_id: str, problem_id: str, shot: int = 0):
        self.store = store
        self.run_id = run_id
        self.problem_id = problem_id
        self.shot = shot

    @property
    def _where(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "problem_id": self.problem_id, "shot": self.shot}

    # reading -------------------------------------------------------------------------

    def entries(self, *, include_rejected: bool = False) -> list[LibraryEntry]:
        """The library in append order."""
        rows = self.store.db.query(_ENTRIES_SQL + " order by u.id", self._where)
        entries = [LibraryEntry.from_row(row) for row in rows]
        return [e for e in entries if include_rejected or e.status is not LemmaStatus.REJECTED]

    def entry(self, lemma_id: int) -> LibraryEntry:
        rows = list(self.store.db.query(_ENTRIES_SQL + " and l.id = :lemma_id", {**self._where, "lemma_id": lemma_id}))
        if rows:
            return LibraryEntry.from_row(rows[0])
        if not self.store.db.execute("select 1 from lemmas where id = ?", [lemma_id]).fetchone():
            raise LemmaNotFound(lemma_id)
        raise LemmaNotInLibrary(lemma_id, self.run_id, self.problem_id, self.shot)

    def next_number(self) -> int:
        """The largest integer number in this library plus one (1 when empty)."""
        numbers = self.store.db.execute(
            "select number from lemma_uses where run_id = ? and problem_id = ? and shot = ?",
            [self.run_id, self.problem_id, self.shot]).fetchall()
        integers = [int(match.group(1)) for (number,) in numbers if (match := _LEADING_INTEGER.match(number))]
        return max(integers, default=0) + 1

    def render(self, budget_tokens: int | None = DEFAULT_LIBRARY_BUDGET_TOKENS, *,
               exclude: Collection[int] = ()) -> str:
        """Prompt text of the library (see `lemmata.memory.lemmas.text.render_library`); None: no budget.

        `exclude` leaves out lemma ids, e.g. the lemmas under verification.
        """
        entries = [entry for entry in self.entries() if entry.id not in exclude]
        cited_by = _cited_by(entries)
        return render_library([self._rendered(e, cited_by=cited_by[e.number]) for e in entries], budget_tokens)

    def render_cited(self, text: str, budget_tokens: int | None = DEFAULT_LIBRARY_BUDGET_TOKENS) -> str:
        """The library lemmas `text` relies on: those it cites as "Lemma N" and, through their
        proofs, the ones those cite; in append order (see `lemmata.memory.lemmas.text.render_cited`)."""
        entries = self.entries()
        by_number = {entry.number: entry for entry in entries}
        wanted, frontier = set(), set(lemma_references(text))
        while frontier:
            number = frontier.pop()
            if number in by_number and number not in wanted:
                wanted.add(number)
                frontier |= set(by_number[number].cites)
        cited_by = _cited_by(entries)
        return render_cited([self._rendered(entry, cited_by=cited_by[entry.number])
                             for entry in entries if entry.number in wanted], budget_tokens)

    @staticmethod
    def _rendered(entry: LibraryEntry, *, cited_by: int) -> RenderedLemma:
        return RenderedLemma(number=entry.number, statement=entry.statement, steps=entry.steps,
                             confidence=entry.confidence, passes=entry.passes, votes=entry.votes,
                             proven=entry.proven, origin=entry.origin, status=entry.status, cited_by=cited_by)

    # adding --------------------------------------------------------------------------

    def add(self, draft: LemmaDraft, *, round: int,
            origin: LemmaOrigin = LemmaOrigin.MODEL) -> tuple[LibraryEntry, bool]:
        """Store `draft` in this library; (entry, is_new). A known statement is linked, not stored twice.

        Identity is the normalised-statement hash within the problem. Held by this shot already:
        nothing changes. Held by another shot or run: this library gets a use of the existing
        lemma (with its votes). A "-fixed" draft is never merged into the lemma it corrects.
        """
        with self.store.transaction() as db:
            lemma_id, is_new = self._add(db, draft, round=round, origin=origin)
        return self.entry(lemma_id), is_new

    def _add(self, db: Database, draft: LemmaDraft, *, round: int, origin: LemmaOrigin,
             copied: dict[str, Any] | None = None) -> tuple[int, bool]:
        digest = statement_hash(draft.statement)
        fixed_of = self._lemma_numbered(db, draft.fixed_of) if draft.fixed_of else None
        held = self._held_with_hash(db, digest, exclude=fixed_of)
        if held is not None:
            return held, False
        number = self._free_number(db, draft.number)
        cites = [n for n in draft.cites if n != number]
        known = self._problem_lemma_with_hash(db, digest, exclude=fixed_of)
        if known is not None:
            self._insert_use(db, known, number=number, round=round, cites=cites,
                             renumbering=self._renumbering(db, known, number))
            self._insert_edges(db, known, cites)
            return known, False
        row = {
            "problem_id": self.problem_id, "run_id": self.run_id, "shot": self.shot, "round": round,
            "number": number, "fixed_of": fixed_of, "statement": draft.statement,
            "steps": json.dumps(draft.steps, ensure_ascii=False),
            "step_citations": json.dumps(draft.step_citations, ensure_ascii=False),
            "cites": json.dumps(cites, ensure_ascii=False), "proven": int(draft.proven),
            "confidence": None, "passes": 0, "votes": 0, "statement_hash": digest, "origin": str(origin),
            "status": str(LemmaStatus.ACTIVE), "version": 1, "created_at": now(), **(copied or {}),
        }
        lemma_id = db["lemmas"].insert(row).last_pk
        renumbering = self._foreign_references(draft) if origin is LemmaOrigin.IMPORTED else {}
        self._insert_use(db, lemma_id, number=number, round=round, cites=cites, renumbering=renumbering)
        self._insert_edges(db, lemma_id, cites)
        return lemma_id, True

    def _lemma_numbered(self, db: Database, number: str) -> int | None:
        row = db.execute(
            "select lemma_id from lemma_uses where run_id = ? and problem_id = ? and shot = ? and number = ?",
            [self.run_id, self.problem_id, self.shot, number]).fetchone()
        return row[0] if row else None

    def _held_with_hash(self, db: Database, digest: str, *, exclude: int | None) -> int | None:
        row = db.execute(
            "select l.id from lemma_uses u join lemmas l on l.id = u.lemma_id"
            " where u.run_id = ? and u.problem_id = ? and u.shot = ? and l.statement_hash = ? and l.id != ?"
            " order by u.id limit 1",
            [self.run_id, self.problem_id, self.shot, digest, exclude or 0]).fetchone()
        return row[0] if row else None

    def _problem_lemma_with_hash(self, db: Database, digest: str, *, exclude: int | None) -> int | None:
        # The newest live version: after a "-fixed" correction, later proposals link to the fix.
        row = db.execute(
            "select id from lemmas where problem_id = ? and statement_hash = ? and status != ? and id != ?"
            " order by id desc limit 1",
            [self.problem_id, digest, str(LemmaStatus.SUPERSEDED), exclude or 0]).fetchone()
        return row[0] if row else None

    def _free_number(self, db: Database, wanted: str) -> str:
        """The draft's own number unless this library already uses it (then the next free one)."""
        wanted = wanted.strip()
        if wanted and self._lemma_numbered(db, wanted) is None:
            return wanted
        if wanted.endswith("-fixed"):
            suffix = 2
            while self._lemma_numbered(db, f"{wanted}-{suffix}") is not None:
                suffix += 1
            return f"{wanted}-{suffix}"
        return str(self.next_number())

    def _insert_use(self, db: Database, lemma_id: int, *, number: str, round: int, cites: list[str],
                    renumbering: dict[str, str]) -> None:
        db["lemma_uses"].insert({
            **self._where, "lemma_id": lemma_id, "number": number, "round": round,
            "cites": json.dumps(cites, ensure_ascii=False),
            "renumbering": json.dumps(renumbering, sort_keys=True) if renumbering else None, "created_at": now(),
        })

    def _renumbering(self, db: Database, lemma_id: int, number: str) -> dict[str, str]:
        """How a linked lemma's "Lemma N" references read in this library, fixed at link time.

        N is a number of the library where the lemma was first stored: it becomes this library's
        number for the same lemma, or is marked as another attempt's when this library lacks it.
        """
        lemma = db["lemmas"].get(lemma_id)
        steps = json.loads(lemma["steps"] or "[]")
        if lemma["imported_from"] is not None:
            return self._foreign_references(LemmaDraft("", lemma["statement"], steps))
        references = lemma_references(" ".join([lemma["statement"], *steps]))
        if not references:
            return {}
        first_library = dict(db.execute(
            "select number, lemma_id from lemma_uses where run_id = ? and problem_id = ? and shot = ?",
            [lemma["run_id"], self.problem_id, lemma["shot"]]).fetchall())
        here = {held: own for own, held in db.execute(
            "select number, lemma_id from lemma_uses where run_id = ? and problem_id = ? and shot = ?",
            [self.run_id, self.problem_id, self.shot]).fetchall()}
        here[lemma_id] = number
        renumbering = {}
        for reference in sorted(references):
            own = here.get(first_library.get(reference))
            if own != reference:
                renumbering[reference] = own or f"{reference} (from another attempt)"
        return renumbering

    @staticmethod
    def _foreign_references(draft: LemmaDraft) -> dict[str, str]:
        """An imported lemma's references are to its own problem's lemmas, which this library lacks."""
        references = lemma_references(" ".join([draft.statement, *draft.steps]))
        return {reference: f"{reference} (of another problem)" for reference in sorted(references)}

    def _insert_edges(self, db: Database, lemma_id: int, cites: list[str]) -> None:
        for number in cites:
            cited = self._lemma_numbered(db, number)
            if cited is not None and cited != lemma_id:
                db.execute(
                    "insert or ignore into lemma_edges (lemma_id, cited_id, run_id, shot, created_at)"
                    " values (?, ?, ?, ?, ?)", [lemma_id, cited, self.run_id, self.shot, now()])

    # votes ---------------------------------------------------------------------------

    def stored_here(self, lemma_id: int) -> bool:
        """Whether this library stored the lemma (rather than linked it from another shot or run)."""
        row = self.store.db.execute("select run_id, shot from lemmas where id = ?", [lemma_id]).fetchone()
        return row is not None and (row[0], row[1]) == (self.run_id, self.shot)

    def vote_call_ids(self, lemma_id: int) -> set[int]:
        """The calls whose votes on `lemma_id` are recorded already."""
        return {row[0] for row in self.store.db.execute(
            "select call_id from lemma_votes where lemma_id = ? and call_id is not null", [lemma_id])}

    def record_vote(self, lemma_id: int, vote: VerifierVote) -> LibraryEntry:
        """Store one verifier vote and update the lemma's passes, votes and confidence."""
        with self.store.transaction() as db:
            self.entry(lemma_id)
            db["lemma_votes"].insert({
                "lemma_id": lemma_id, "run_id": self.run_id, "shot": self.shot, "call_id": vote.call_id,
                "first_wrong_step": vote.first_wrong_step, "format_error": int(vote.format_error),
                "passed": int(vote.passed), "explanation": vote.explanation, "created_at": now(),
            })
            # Every right-hand side reads the row as it was before this update.
            db.execute(
                "update lemmas set passes = passes + ?, votes = votes + 1,"
                " confidence = cast(passes + ? as real) / (votes + 1) where id = ?",
                [int(vote.passed), int(vote.passed), lemma_id])
        return self.entry(lemma_id)

    # human edits ---------------------------------------------------------------------

    def pin(self, lemma_id: int) -> None:
        """Always render this lemma, whatever the budget."""
        self._set_status(lemma_id, LemmaStatus.PINNED, LemmaEditAction.PIN)

    def unpin(self, lemma_id: int) -> None:
        self._set_status(lemma_id, LemmaStatus.ACTIVE, LemmaEditAction.UNPIN, only_from=LemmaStatus.PINNED)

    def reject(self, lemma_id: int) -> None:
        """Never render this lemma again; it stays stored with its votes."""
        self._set_status(lemma_id, LemmaStatus.REJECTED, LemmaEditAction.REJECT)

    def _set_status(self, lemma_id: int, status: LemmaStatus, action: LemmaEditAction,
                    only_from: LemmaStatus | None = None) -> None:
        with self.store.transaction() as db:
            entry = self._editable(db, lemma_id)
            if only_from is None or entry.status is only_from:
                db["lemmas"].update(lemma_id, {"status": str(status)})
            self._record_edit(db, lemma_id, action, {"from": str(entry.status), "to": str(status)})

    def edit(self, lemma_id: int, *, statement: str | None = None, steps: list[str] | None = None) -> LibraryEntry:
        """Make a new version with the given statement and/or steps; the old one is kept as superseded.

        Votes start again from zero. Every library holding the old version now holds the new
        one under the same number, and lemmas citing the old version cite the new one.
        """
        with self.store.transaction() as db:
            self._editable(db, lemma_id)
            old = db["lemmas"].get(lemma_id)
            new = {key: value for key, value in old.items() if key != "id"}
            if statement is not None:
                new.update(statement=statement, statement_hash=statement_hash(statement))
            if steps is not None:
                new.update(steps=json.dumps(steps, ensure_ascii=False), step_citations="[]")
            pinned = old["status"] == LemmaStatus.PINNED
            new.update(
                confidence=None, passes=0, votes=0, version=(old["version"] or 1) + 1, supersedes=lemma_id,
                superseded_by=None, status=str(LemmaStatus.PINNED if pinned else LemmaStatus.ACTIVE),
                created_at=now())
            new_id = db["lemmas"].insert(new).last_pk
            db["lemmas"].update(lemma_id, {"status": str(LemmaStatus.SUPERSEDED), "superseded_by": new_id})
            db.execute("update lemma_uses set lemma_id = ? where lemma_id = ?", [new_id, lemma_id])
            db.execute(
                "insert or ignore into lemma_edges (lemma_id, cited_id, run_id, shot, created_at)"
                " select ?, cited_id, run_id, shot, ? from lemma_edges where lemma_id = ?", [new_id, now(), lemma_id])
            db.execute("update or ignore lemma_edges set cited_id = ? where cited_id = ?", [new_id, lemma_id])
            # The user wrote the new text in this library's numbering.
            db.execute("update lemma_uses set renumbering = null where lemma_id = ? and run_id = ?"
                       " and problem_id = ? and shot = ?", [new_id, self.run_id, self.problem_id, self.shot])
            changed = [name for name, value in (("statement", statement), ("steps", steps)) if value is not None]
            self._record_edit(db, lemma_id, LemmaEditAction.EDIT, {"changed": changed}, new_lemma_id=new_id)
        return self.entry(new_id)

    def add_user_lemma(self, statement: str, steps: list[str] | None = None, *, round: int = 0) -> LibraryEntry:
        """A lemma the user states (numbered next in this library), marked as the user's."""
        draft = LemmaDraft(number="", statement=statement, steps=list(steps or []))
        with self.store.transaction() as db:
            lemma_id, is_new = self._add(db, draft, round=round, origin=LemmaOrigin.USER)
            self._record_edit(db, lemma_id, LemmaEditAction.ADD_USER, {"new": is_new})
        return self.entry(lemma_id)

    def seed_from_other_problems(self, problem_text: str, *, limit: int = 5,
                                 min_confidence: float = 0.75) -> list[LibraryEntry]:
        """Import verified lemmas of other problems whose statements rank high for `problem_text`.

        Opt-in cross-problem reuse: the imports carry their source's votes as counts, are marked
        IMPORTED and point at their source through `imported_from`.
        """
        candidates = search_related(self.store, problem_text, exclude_problem=self.problem_id,
                                    min_confidence=min_confidence, limit=limit * 4)
        imported: list[int] = []
        with self.store.transaction() as db:
            for candidate in candidates:
                if len(imported) == limit:
                    break
                source = db["lemmas"].get(candidate.id)
                if self._held_with_hash(db, source["statement_hash"], exclude=None) is not None:
                    continue
                draft = LemmaDraft(number="", statement=source["statement"], steps=json.loads(source["steps"] or "[]"),
                                   proven=bool(source["proven"]))
                copied = {key: source[key] for key in ("passes", "votes", "confidence")}
                lemma_id, _ = self._add(db, draft, round=0, origin=LemmaOrigin.IMPORTED,
                                        copied={**copied, "imported_from": source["id"]})
                imported.append(lemma_id)
                self._record_edit(db, lemma_id, LemmaEditAction.IMPORT, {"source": source["id"]})
        return [self.entry(lemma_id) for lemma_id in imported]

    def _editable(self, db: Database, lemma_id: int) -> LibraryEntry:
        row = db.execute("select superseded_by from lemmas where id = ?", [lemma_id]).fetchone()
        if row and row[0] is not None:
            raise LemmaSuperseded(lemma_id, row[0])
        return self.entry(lemma_id)

    def _record_edit(self, db: Database, lemma_id: int, action: LemmaEditAction, detail: dict[str, Any],
                     *, new_lemma_id: int | None = None) -> None:
        db["lemma_edits"].insert({
            "lemma_id": lemma_id, "new_lemma_id": new_lemma_id, "action": str(action), **self._where,
            "detail": json.dumps(detail, sort_keys=True), "created_at": now(),
        })


def library_holding(store: RunStore, lemma_id: int, *, run_id: str | None = None,
                    shot: int | None = None) -> LemmaLibrary:
    """The library (run, problem, shot) that holds a lemma: the given run/shot, else its latest one."""
    conditions, args = ["lemma_id = ?"], [lemma_id]
    for column, value in (("run_id", run_id), ("shot", shot)):
        if value is not None:
            conditions.append(f"{column} = ?")
            args.append(value)
    row = store.db.execute(
        f"select run_id, problem_id, shot from lemma_uses where {' and '.join(conditions)} order by id desc limit 1",
        args).fetchone()
    if row is None:
        lemma = store.db.execute("select problem_id, superseded_by from lemmas where id = ?", [lemma_id]).fetchone()
        if lemma is None:
            raise LemmaNotFound(lemma_id)
        if lemma[1] is not None:
            raise LemmaSuperseded(lemma_id, lemma[1])
        raise LemmaNotInLibrary(lemma_id, run_id or "(any run)", lemma[0], 0 if shot is None else shot)
    return LemmaLibrary(store, run_id=row[0], problem_id=row[1], shot=row[2])


def _cited_by(entries: list[LibraryEntry]) -> dict[str, int]:
    """How many other lemmas of the library cite each one, by number."""
    cited_by = {entry.number: 0 for entry in entries}
    for entry in entries:
        for number in set(entry.cites) - {entry.number}:
            if number in cited_by:
                cited_by[number] += 1
    return cited_by
