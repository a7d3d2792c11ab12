"""Proof extraction: the dependency DAG behind the goal, re-checked, and its text."""

from __future__ import annotations

from lemmata.engines.geometry.deduction import Deduction
from lemmata.engines.geometry.errors import FalseClaimError
from lemmata.engines.geometry.facts import Fact, fact_key
from lemmata.engines.geometry.goals import goal_premises
from lemmata.engines.geometry.language import Goal
from lemmata.engines.geometry.rules import RULES, RuleId


def extract_proof(ded: Deduction, goal: Goal) -> list[Fact]:
    """Facts the goal depends on, premises before conclusions, the goal last."""
    found = goal_premises(ded, goal)
    if found is None:
        return []
    premises, rule = found
    key = fact_key(goal.predicate, goal.points, goal.numbers)
    gid = ded.db.keys.get(key)
    if gid is None:
        f = ded.db.add(goal.predicate, goal.points, rule, premises, goal.numbers)
        if f is None:
            return []
        gid = f.id
    needed: set[int] = set()
    stack = [gid]
    while stack:
        i = stack.pop()
        if i in needed:
            continue
        needed.add(i)
        stack.extend(ded.db.facts[i].premises)
    proof = [ded.db.facts[i] for i in sorted(needed)]
    recheck(ded, proof)
    return proof


def recheck(ded: Deduction, proof: list[Fact]) -> None:
    """Every step holds in the diagram and cites only earlier steps."""
    seen: set[int] = set()
    for f in proof:
        if not ded.db.diagram.holds(f.predicate, f.points, f.numbers):
            raise FalseClaimError(f"proof step `{f}` is false in the diagram")
        missing = [p for p in f.premises if p not in seen]
        if missing:
            raise FalseClaimError(f"proof step `{f}` cites later or missing steps {missing}")
        seen.add(f.id)


def proof_text(proof: list[Fact]) -> str:
    """Numbered steps: statement, rule, premises (angles are directed, modulo π)."""
    number = {f.id: i + 1 for i, f in enumerate(proof)}
    lines = []
    for f in proof:
        n = number[f.id]
        if f.rule == RuleId.CONSTRUCTION:
            lines.append(f"{n:3d}. {f}   [given: {f.note}]")
            continue
        refs = ", ".join(f"({number[p]})" for p in f.premises)
        rule = "algebra" if f.rule == RuleId.ALGEBRA else f"{f.rule.value} {RULES[f.rule].statement}"
        lines.append(f"{n:3d}. {f}   [{rule}; from {refs or 'nothing'}]")
    return "\n".join(lines)
