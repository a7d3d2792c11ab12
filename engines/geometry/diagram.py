"""A numeric instance of a problem: random coordinates drawn clause by clause from a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from lemmata.engines.geometry.constructions import CONSTRUCTIONS, s_angle_degrees
from lemmata.engines.geometry.errors import DiagramError
from lemmata.engines.geometry.language import Clause, Problem
from lemmata.engines.geometry.loci import intersect, random_point_on
from lemmata.engines.geometry.predicates import check, parse_number

# Retry caps: per clause, then for the whole problem.
CLAUSE_ATTEMPTS = 30
DRAWING_ATTEMPTS = 20
MIN_GAP = 1e-3
MAX_COORD = 1e3
SAME_POSITION = 1e-9
"""Relative distance under which two stated points are one point stated twice."""


@dataclass
class Diagram:
    """Point name → coordinates (complex numbers), in the order points were made."""

    points: dict[str, complex] = field(default_factory=dict)
    seed: int = 0

    def __getitem__(self, name: str) -> complex:
        return self.points[name]

    def holds(self, predicate, names, numbers=()) -> bool:
        return check(predicate, [self.points[n] for n in names], list(numbers))


class _Degenerate(Exception):
    pass


def draw_clause(clause: Clause, diagram: Diagram, rng: random.Random) -> dict[str, complex]:
    """Positions for the clause's new points (raises _Degenerate on a bad draw)."""
    if clause.fixed and set(clause.fixed) == set(clause.points):
        return dict(clause.fixed)
    loci: list = []
    placed: dict[str, complex] = {}
    for step in clause.steps:
        spec = CONSTRUCTIONS[step.name]
        values: dict[str, complex] = {}
        binding = dict(zip(spec.params, step.args))
        for i, (param, arg) in enumerate(binding.items()):
            if i >= spec.arity - spec.numbers:
                values[param] = (s_angle_degrees(arg) if step.name == "s_angle"
                                 else float(parse_number(arg)))  # π units when written with `pi`
            elif param not in spec.new:
                values[param] = diagram.points[arg]
        try:
            out = spec.recipe(values, rng)
        except (ValueError, ZeroDivisionError, TypeError, IndexError) as exc:
            raise _Degenerate(str(exc)) from exc
        if isinstance(out, dict):
            for param in spec.new:
                placed[binding[param]] = out[param]
        else:
            loci.extend(out)
    if placed:
        return placed
    return {clause.points[0]: _pick(loci, diagram, rng, _arguments(clause))}


def _arguments(clause: Clause) -> set[str]:
    """The existing points a clause's constructions are built on."""
    return {a for step in clause.steps for a in step.args if a not in clause.points}


def _pick(loci: list, diagram: Diagram, rng: random.Random, own: set[str] = frozenset()) -> complex:
    if any(x is None for x in loci):
        raise _Degenerate("construction has no position")
    points = [x for x in loci if isinstance(x, complex)]
    shapes = [x for x in loci if not isinstance(x, complex)]
    if points:
        candidates = [points[0]]
    elif len(shapes) == 1:
        candidates = [random_point_on(shapes[0], rng, 3.0)]
    else:
        candidates = intersect(shapes[0], shapes[1])
    for extra in (shapes if points else shapes[2:]):
        candidates = [c for c in candidates if _on(extra, c)]
    fresh = [c for c in candidates if all(abs(c - q) > MIN_GAP for q in diagram.points.values())]
    if not fresh:
        # Loci that meet only at an existing point other than their own arguments state that
        # point again by another definition: a double point, one point until proved so.
        fresh = [c for c in candidates if _double(c, diagram, own)]
    if not fresh:
        raise _Degenerate("loci do not meet at a new point")
    return fresh[rng.randrange(len(fresh))]


def _double(at: complex, diagram: Diagram, own: set[str]) -> str | None:
    """The existing point (not among `own`) exactly at `at`, when no other point is near."""
    scale = max((abs(z) for z in diagram.points.values()), default=1.0) or 1.0
    near = [k for k, z in diagram.points.items() if abs(at - z) <= MIN_GAP * 10]
    same = [k for k in near if abs(at - diagram.points[k]) <= SAME_POSITION * scale]
    return same[0] if len(near) == len(same) == 1 and same[0] not in own else None


def _on(locus, p: complex) -> bool:
    from lemmata.engines.geometry.loci import contains
    return contains(locus, p, tol=1e-6)


def double_points(points: dict[str, complex]) -> dict[str, str]:
    """Point → the earlier point at its position: AlphaGeometry2's double points, one point
    stated twice by different premises (`y'` on BC with a tangency where `y` is on BC and EF).
    They are different names until the engine proves them one point."""
    names = list(points)
    scale = max((abs(z) for z in points.values()), default=1.0) or 1.0
    out: dict[str, str] = {}
    for i, name in enumerate(names):
        for earlier in names[:i]:
            if earlier not in out and abs(points[name] - points[earlier]) <= SAME_POSITION * scale:
                out[name] = earlier
                break
    return out


def distinct(doubles: dict[str, str], *names: str) -> bool:
    """Whether the names are of as many points: no two are one point's names (`double_points`)."""
    return len({doubles.get(x, x) for x in names}) == len(names)


def _check_sane(new: dict[str, complex], diagram: Diagram, stated: bool = False,
                own: set[str] = frozenset()) -> None:
    for name, p in new.items():
        if abs(p) > MAX_COORD or p != p:
            raise _Degenerate(f"point {name} is too far away")
        if stated:
            continue  # stated coordinates, where a point may be stated twice
        if len(new) == 1 and _double(p, diagram, own):
            continue  # the same point by another construction
        for q in list(diagram.points.values()) + [v for k, v in new.items() if k != name]:
            if abs(p - q) < MIN_GAP * 10:
                raise _Degenerate(f"point {name} coincides with another point")


def extend(diagram: Diagram, clause: Clause, rng: random.Random) -> dict[str, complex]:
    """Draw one clause into the diagram, retrying a bounded number of times."""
    last = ""
    for _ in range(CLAUSE_ATTEMPTS):
        try:
            new = draw_clause(clause, diagram, rng)
            _check_sane(new, diagram, stated=not clause.steps, own=_arguments(clause))
            diagram.points.update(new)
            return new
        except _Degenerate as exc:
            last = str(exc)
    raise DiagramError(f"cannot draw `{clause.text}` after {CLAUSE_ATTEMPTS} attempts ({last}); "
                       "check that the construction's loci meet")


def draw(problem: Problem, seed: int = 0) -> Diagram:
    """A non-degenerate drawing in which the goal holds, or DiagramError after the cap."""
    rng = random.Random(seed)
    last = ""
    for _ in range(DRAWING_ATTEMPTS):
        diagram = Diagram(seed=seed)
        try:
            for clause in problem.clauses:
                extend(diagram, clause, rng)
        except DiagramError as exc:
            last = str(exc)
            continue
        goal = problem.goal
        if goal is None or diagram.holds(goal.predicate, goal.points, goal.numbers):
            return diagram
        last = f"goal `{goal}` is numerically false"
    raise DiagramError(f"problem {problem.name!r}: no good drawing in {DRAWING_ATTEMPTS} random "
                       f"drawings; last failure: {last}. Check the statement (is the goal true, do "
                       "the constructions meet?) or try another seed")
