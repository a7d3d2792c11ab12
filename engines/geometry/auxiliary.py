"""Heuristic auxiliary points, no model: midpoints, feet of perpendiculars, circumcentres,
reflections and intersections of lines through existing points, tried in order of a simple
score under a time budget, singly and then in pairs."""

from __future__ import annotations

import copy
import itertools
import time
from dataclasses import dataclass, field

from engines.geometry.errors import GeometryError
from engines.geometry.language import Problem, parse_problem
from engines.geometry.session import GeometrySession

# Cheaper and more often useful constructions first (HAGeo and AlphaGeometry's experience).
KIND_WEIGHT = {"midpoint": 3.0, "foot": 2.5, "circle": 2.0, "intersection": 1.5, "mirror": 1.0, "reflect": 1.0}
PAIR_POOL = 12
"""How many of the most productive single candidates are combined in pairs."""


@dataclass(frozen=True)
class Candidate:
    clause: str
    kind: str
    score: float


@dataclass
class AuxSearch:
    proved: bool
    clauses: list[str] = field(default_factory=list)
    """The auxiliary constructions of the proof found."""
    tried: int = 0
    seconds: float = 0.0
    session: GeometrySession | None = None


def candidates(problem: Problem) -> list[Candidate]:
    """Every candidate construction over the problem's points, best score first."""
    points = problem.points
    goal = set(problem.goal.points) if problem.goal else set()
    fresh = _fresh_names(points)
    found: list[Candidate] = []

    def add(kind: str, template: str, used: tuple[str, ...]) -> None:
        score = KIND_WEIGHT[kind] + 2.0 * len(goal.intersection(used)) - 0.1 * len(used)
        found.append(Candidate(template.format(x=next(fresh)), kind, score))

    for a, b in itertools.combinations(points, 2):
        add("midpoint", "{x} = midpoint {x} " + f"{a} {b}", (a, b))
        add("mirror", "{x} = mirror {x} " + f"{a} {b}", (a, b))
        add("mirror", "{x} = mirror {x} " + f"{b} {a}", (a, b))
    for a, b, c in itertools.permutations(points, 3):
        if b < c:
            add("foot", "{x} = foot {x} " + f"{a} {b} {c}", (a, b, c))
            add("reflect", "{x} = reflect {x} " + f"{a} {b} {c}", (a, b, c))
    for a, b, c in itertools.combinations(points, 3):
        add("circle", "{x} = circle {x} " + f"{a} {b} {c}", (a, b, c))
    for (a, b), (c, d) in itertools.combinations(itertools.combinations(points, 2), 2):
        if len({a, b, c, d}) == 4:
            add("intersection", "{x} = on_line {x} " + f"{a} {b}, on_line {{x}} {c} {d}", (a, b, c, d))
    return sorted(found, key=lambda c: -c.score)


def search(problem_text: str, *, timeout: float = 60.0, seed: int = 0, step_timeout: float = 10.0) -> AuxSearch:
    """Plain deduction first; then one auxiliary point at a time; then pairs of the points that
    added the most facts. Stops at the first proof or when the time budget is spent."""
    started = time.monotonic()
    base = GeometrySession(seed=seed, timeout=min(step_timeout, timeout))
    status = base.build(problem_text)
    if not status.ok:
        raise GeometryError(status.message)
    if status.goal_proved:
        return AuxSearch(True, [], 0, time.monotonic() - started, base)
    deadline = started + timeout
    productive: list[tuple[int, str]] = []
    tried = 0
    for candidate in candidates(parse_problem(problem_text)):
        if time.monotonic() > deadline:
            break
        session, status = _try(base, [candidate.clause], deadline)
        tried += 1
        if status is None:
            continue
        if status.goal_proved:
            return AuxSearch(True, [candidate.clause], tried, time.monotonic() - started, session)
        productive.append((len(status.new_facts), candidate.clause))
    best = [clause for _, clause in sorted(productive, reverse=True)[:PAIR_POOL]]
    for first, second in itertools.combinations(best, 2):
        if time.monotonic() > deadline:
            break
        session, status = _try(base, [first, _renamed(second, first)], deadline)
        tried += 1
        if status is not None and status.goal_proved:
            return AuxSearch(True, [first, _renamed(second, first)], tried, time.monotonic() - started, session)
    return AuxSearch(False, [], tried, time.monotonic() - started, None)


def _try(base: GeometrySession, clauses: list[str], deadline: float):
    session = copy.deepcopy(base)
    status = None
    for clause in clauses:
        session.timeout = max(0.1, min(session.timeout, deadline - time.monotonic()))
        try:
            status = session.add(clause)
        except GeometryError:
            return session, None
        if not status.ok:
            return session, None
    return session, status


def _renamed(clause: str, other: str) -> str:
    """The second point of a pair must not reuse the first one's name."""
    first_name = other.split("=")[0].strip()
    name = clause.split("=")[0].strip()
    if name != first_name:
        return clause
    return clause.replace(name, name + "b")


def _fresh_names(points: list[str]):
    used = set(points)
    counter = itertools.count(1)
    while True:
        name = f"x{next(counter)}"
        if name not in used:
            yield name
