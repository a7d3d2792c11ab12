"""Solve a problem end to end: draw it, state the constructions' premises, saturate with
deduction and algebra, and extract a re-checked proof of the goal."""

from __future__ import annotations

from dataclasses import dataclass, field

from lemmata.engines.geometry import clock
from lemmata.engines.geometry.checker import check_proof, record_from_facts
from lemmata.engines.geometry.database import Database
from lemmata.engines.geometry.deduction import Deduction
from lemmata.engines.geometry.diagram import Diagram, draw
from lemmata.engines.geometry.errors import NoGoalError
from lemmata.engines.geometry.facts import Fact
from lemmata.engines.geometry.goals import goal_premises
from lemmata.engines.geometry.language import Clause, Problem, parse_problem
from lemmata.engines.geometry.matchers import MATCHERS
from lemmata.engines.geometry.premises import premise_facts
from lemmata.engines.geometry.proof import extract_proof
from lemmata.engines.geometry.rules import RuleId


@dataclass
class Solution:
    """Outcome of one solve: whether the goal was proved, the proof and counts."""

    problem: Problem
    proved: bool
    seconds: float
    proof: list[Fact] = field(default_factory=list)
    """The goal's dependency DAG in a valid order, the goal last (empty when not proved)."""
    facts: int = 0
    rounds: int = 0
    diagram: Diagram | None = None
    timed_out: bool = False
    """True when the deadline stopped saturation (rather than a fixpoint)."""
    rejected: list[str] = field(default_factory=list)
    """Why the independent checker refused the engine's proof (a bug report; then not proved)."""


def state_clause(db: Database, clause: Clause) -> int:
    """Add the clause's premises as construction facts; returns how many were refused."""
    refused = 0
    for pred, pts, nums in premise_facts(clause):
        before = db.refused
        db.add(pred, pts, RuleId.CONSTRUCTION, (), nums, note=clause.text)
        refused += db.refused - before
    return refused


def build(problem: Problem, seed: int = 0) -> Deduction:
    """Draw the problem and state every construction's premises."""
    diagram = draw(problem, seed)
    db = Database(diagram)
    for clause in problem.clauses:
        state_clause(db, clause)
    return Deduction(db, MATCHERS)


def solve(problem: Problem | str, timeout: float = 60.0, seed: int = 0, check: bool = True) -> Solution:
    """Try to prove the problem's goal with deduction and algebra within `timeout` seconds;
    a proof counts only when the independent checker accepts it (`check=False` skips that)."""
    if isinstance(problem, str):
        problem = parse_problem(problem)
    if problem.goal is None:
        raise NoGoalError("nothing to prove: end the statement with `? PREDICATE POINTS` "
                          "(e.g. `? perp a h b c`)", problem=problem.name)
    start = clock.now()
    ded = build(problem, seed)
    goal = problem.goal
    remaining = timeout - (clock.now() - start)
    proved = ded.run(lambda: goal_premises(ded, goal) is not None, timeout=max(remaining, 0.1))
    proof = extract_proof(ded, goal) if proved else []
    rejected: list[str] = []
    if proof and check:
        report = check_proof(record_from_facts(problem, proof, seed))
        rejected = [] if report.ok else report.failures
    return Solution(problem, proved and bool(proof) and not rejected, clock.now() - start, proof,
                    len(ded.db.facts), ded.rounds, ded.db.diagram, ded.timed_out, rejected)
