"""`GeometrySession`: the facade an agent drives — build a problem, add auxiliary points,
propose intermediate claims — keeping one engine state across calls."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from lemmata.engines.geometry.checker import CheckReport, ProofRecord, check_proof, record_from_facts
from lemmata.engines.geometry.deduction import Deduction
from lemmata.engines.geometry.diagram import extend
from lemmata.engines.geometry.errors import GeometryError, GeometryLanguageError, SessionStateError
from lemmata.engines.geometry.facts import Fact
from lemmata.engines.geometry.goals import goal_premises, why_statement
from lemmata.engines.geometry.language import Problem, parse_clause, parse_goal, parse_problem
from lemmata.engines.geometry.proof import extract_proof, proof_text
from lemmata.engines.geometry.rules import RuleId
from lemmata.engines.geometry.solver import build, state_clause

# How many new facts a status lists; the rest are counted.
MAX_LISTED_FACTS = 40


@dataclass
class Status:
    """Outcome of one session call."""

    ok: bool
    """Whether the call did what was asked."""
    message: str
    """One short sentence: what happened, or why not."""
    new_facts: list[str] = field(default_factory=list)
    """Readable statements derived during this call (at most MAX_LISTED_FACTS)."""
    goal_proved: bool = False
    """Whether the problem's goal is proved now (derived, and the proof passed the checker)."""
    rejected: str = ""
    """Why the checker refused the engine's derivation of the goal (an engine bug), else ''."""


class GeometrySession:
    """One problem, its diagram and its growing database, driven call by call."""

    def __init__(self, seed: int = 0, timeout: float = 30.0) -> None:
        self.seed = seed
        self.timeout = timeout
        self.problem: Problem | None = None
        self.ded: Deduction | None = None
        self.aux_points: list[str] = []
        self._rng = random.Random(seed + 1)
        self._verdict: tuple[tuple[int, int], CheckReport] | None = None
        """The checker's last verdict, with the database size it was given for."""

    # ---- calls --------------------------------------------------------------------------
    def build(self, problem_text: str, name: str = "problem") -> Status:
        """Parse and draw the problem, then saturate."""
        try:
            self.problem = parse_problem(problem_text, name)
            self.ded = build(self.problem, self.seed)
        except GeometryError as exc:
            return Status(False, str(exc))
        return self._saturate(0, f"built {len(self.problem.points)} points")

    def add(self, clause_text: str) -> Status:
        """Add an auxiliary construction (e.g. `e = on_line e a c, on_line e b d`)."""
        ded, problem = self._require()
        known = list(ded.db.diagram.points)
        try:
            clause = parse_clause(clause_text, known, index=len(problem.clauses), problem=problem.name)
            extend(ded.db.diagram, clause, self._rng)
        except GeometryError as exc:
            return Status(False, str(exc), goal_proved=self._goal_proved())
        start = len(ded.db.facts)
        refused = state_clause(ded.db, clause)
        self.problem = Problem(problem.name, problem.clauses + (clause,), problem.goal)
        self.aux_points.extend(clause.points)
        ded.refresh_index()
        note = f"; {refused} premise(s) false in the diagram were dropped" if refused else ""
        return self._saturate(start, f"added {' '.join(clause.points)}{note}")

    def propose(self, predicate_text: str) -> Status:
        """Check a claim such as `cong a b c d`: refuse it when false, keep it when provable."""
        ded, _ = self._require()
        try:
            claim = parse_goal(predicate_text, list(ded.db.diagram.points))
        except GeometryLanguageError as exc:
            return Status(False, str(exc), goal_proved=self._goal_proved())
        if not ded.db.diagram.holds(claim.predicate, claim.points, claim.numbers):
            return Status(False, f"`{claim}` is false in the diagram, so it cannot be proved",
                          goal_proved=self._goal_proved())
        start = len(ded.db.facts)
        found = why_statement(ded, claim.predicate, claim.points, claim.numbers)
        if found is None:
            ded.run(lambda: why_statement(ded, claim.predicate, claim.points, claim.numbers)
                    is not None, timeout=self.timeout)
            found = why_statement(ded, claim.predicate, claim.points, claim.numbers)
        if found is None:
            return Status(False, f"`{claim}` is true in the diagram but not provable yet; "
                          "try an auxiliary point", goal_proved=self._goal_proved())
        ded.db.add(claim.predicate, claim.points, found[1], found[0], claim.numbers)
        return self._status(start, f"proved `{claim}`")

    def proof_text(self) -> str:
        """The goal's proof as numbered steps ('' when the goal is not proved)."""
        ded, problem = self._require()
        if problem.goal is None or not self._goal_proved():
            return ""
        return proof_text(extract_proof(ded, problem.goal))

    def proof_record(self) -> ProofRecord | None:
        """The goal's proof as a proof file (statement with the auxiliary clauses), or None."""
        ded, problem = self._require()
        if problem.goal is None or not self._goal_derived():
            return None
        return record_from_facts(problem, extract_proof(ded, problem.goal), self.seed)

    def check(self) -> CheckReport:
        """The independent checker's verdict on the goal's proof (not ok when there is none)."""
        key = (len(self.ded.db.facts) if self.ded else 0, len(self.problem.clauses) if self.problem else 0)
        if self._verdict is not None and self._verdict[0] == key:
            return self._verdict[1]
        record = self.proof_record()
        report = CheckReport(False, ["the goal is not proved"]) if record is None else check_proof(record)
        self._verdict = (key, report)
        return report

    def figure(self, path: str | Path) -> Path:
        """Draw the diagram (auxiliary points in another colour) to an SVG or PNG file."""
        from lemmata.engines.geometry.figure import render

        ded, problem = self._require()
        proof = extract_proof(ded, problem.goal) if problem.goal and self._goal_proved() else []
        return render(problem, ded.db.diagram, path, aux=self.aux_points, proof=proof)

    def copy(self) -> GeometrySession:
        """An independent copy of this session, to add points to (see `Deduction.copy`)."""
        twin = object.__new__(GeometrySession)
        twin.__dict__.update(self.__dict__)
        twin.ded = self.ded.copy() if self.ded is not None else None
        twin.aux_points = list(self.aux_points)
        twin._rng = random.Random()
        twin._rng.setstate(self._rng.getstate())
        return twin

    # ---- internals ----------------------------------------------------------------------
    def _require(self) -> tuple[Deduction, Problem]:
        if self.ded is None or self.problem is None:
            raise SessionStateError("no problem in this session; call build(problem_text) first")
        return self.ded, self.problem

    def _goal_proved(self) -> bool:
        """Derived by the engine and accepted by the independent checker."""
        return self._goal_derived() and self.check().ok

    def _goal_derived(self) -> bool:
        goal = self.problem.goal if self.problem else None
        return bool(goal and self.ded and goal_premises(self.ded, goal) is not None)

    def _saturate(self, start: int, message: str) -> Status:
        ded = self.ded
        goal = self.problem.goal
        ded.rounds = 0
        check = (lambda: goal_premises(ded, goal) is not None) if goal else (lambda: False)
        ded.run(check, timeout=self.timeout)
        return self._status(start, message)

    def _status(self, start: int, message: str) -> Status:
        new: list[Fact] = [f for f in self.ded.db.facts[start:] if f.rule != RuleId.CONSTRUCTION]
        listed = [str(f) for f in new[:MAX_LISTED_FACTS]]
        if len(new) > MAX_LISTED_FACTS:
            listed.append(f"… and {len(new) - MAX_LISTED_FACTS} more")
        proved = self._goal_proved()
        suffix, rejected = ("; goal proved" if proved else ""), ""
        if not proved and self._goal_derived():
            rejected = (self.check().failures or ["?"])[0]
            suffix = f"; the checker rejected the engine's proof of the goal (an engine bug): {rejected}"
        return Status(True, f"{message}; {len(new)} new facts{suffix}", listed, proved, rejected)
