"""Symmetries of a problem statement: renamings of its points under which everything the
statement says stays true, and the image of an auxiliary construction under one.

A renaming σ is a symmetry of the first k clauses when it permutes their points and maps every
premise of those clauses to a statement that holds in the problem's diagram. The diagram is a
generic drawing, so a statement true in it follows from the clauses (the engine's own
principle): σ maps what the clauses say to consequences of it, and since σ has finite order,
the clauses and their image say the same thing. Checking premises numerically, not as text,
takes every construction's meaning into account — which arguments of `on_line`, `circle` or
`midpoint` may be swapped, that a midpoint is equidistant from its ends, that ∠(ab,ax) = ∠(ax,ac)
read backwards is the same bisector — and it matches clauses that state the same thing in
other words (`p = on_line a a1` against `q = on_line b b1, on_pline p a b`).

A symmetry of a prefix of the clauses (k < all) is partial: the points it covers and the
candidates built on them still come in symmetric pairs. A full one also maps the goal to a
statement true in the diagram."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lemmata.engines.geometry.constructions import CONSTRUCTIONS
from lemmata.engines.geometry.diagram import Diagram, extend
from lemmata.engines.geometry.errors import GeometryError
from lemmata.engines.geometry.language import Clause, Problem, Step, parse_clause
from lemmata.engines.geometry.predicates import check
from lemmata.engines.geometry.premises import premise_facts

MAX_NODES = 20_000
"""Partial renamings the search extends before it stops (a count, not a time, so the same
statement always gives the same symmetries). Points of premise-free clauses (a `triangle`) may
go anywhere; the first clause with premises prunes almost all of those."""
SIGNATURE_TOLERANCE = 1e-7
"""Relative tolerance of the numeric signatures (collinear, equidistant)."""
MAX_SYMMETRIES = 8
"""Symmetries kept, deepest first."""


@dataclass(frozen=True)
class Symmetry:
    """A renaming of the points of the first `clauses` clauses that keeps what they state."""

    mapping: tuple[tuple[str, str], ...]
    """(point, image) for every point it covers, in the statement's order."""
    clauses: int
    """How many leading clauses it covers."""
    full: bool
    """Covers every clause and maps the goal to a statement true in the diagram."""

    def image(self, name: str) -> str | None:
        """The image of a point, or None when the symmetry does not cover it."""
        return dict(self.mapping).get(name)

    @property
    def involution(self) -> bool:
        """Whether applying it twice gives the identity (it swaps points in pairs)."""
        mapping = dict(self.mapping)
        return all(mapping[q] == p for p, q in self.mapping)

    def moved(self) -> list[str]:
        """The points it does not fix."""
        return [p for p, q in self.mapping if p != q]


def symmetries(problem: Problem, coords: dict[str, complex], *, limit: int = MAX_SYMMETRIES,
               nodes: int = MAX_NODES) -> list[Symmetry]:
    """The problem's symmetries that cover at least one clause with premises, each maximal
    (no deeper symmetry restricts to it), deepest first (full ones first among equals); the
    same statement and diagram give the same list."""
    drawn = [all(p in coords for p in c.points) for c in problem.clauses]
    clauses = problem.clauses[:drawn.index(False) if False in drawn else len(drawn)]
    premises = [premise_facts(c) for c in clauses]
    first = next((k for k, prem in enumerate(premises) if prem), len(premises))
    found: list[Symmetry] = []
    left = [nodes]
    for depth in range(len(clauses), first, -1):
        order = [(k, p) for k, c in enumerate(clauses[:depth]) for p in c.points]
        for mapping in _renamings(order, premises, coords, left):
            if any(all(s.image(p) == q for p, q in mapping.items()) for s in found):
                continue  # the restriction of a deeper symmetry
            full = depth == len(problem.clauses) and _goal_kept(problem, mapping, coords)
            found.append(Symmetry(tuple(mapping.items()), depth, full))
    found.sort(key=lambda s: (-s.clauses, not s.full))  # stable: discovery order among equals
    return found[:limit]


def _renamings(order: list[tuple[int, str]], premises: list[list[tuple]],
               coords: dict[str, complex], left: list[int]) -> Iterator[dict[str, str]]:
    """Every renaming but the identity of the points in `order` ((clause, point) pairs) onto
    themselves that maps each clause's premises to statements true in the diagram, found by
    depth-first search; `left[0]` counts down the partial renamings it may still extend.
    Points only go to points with the same numeric signature in the covered figure."""
    names = [p for _, p in order]
    signature = _signatures(names, coords)
    mapping: dict[str, str] = {}

    def holds(k: int) -> bool:
        return all(check(pred, [coords[mapping[p]] for p in pts], list(nums))
                   for pred, pts, nums in premises[k])

    def visit(t: int) -> Iterator[dict[str, str]]:
        if t == len(order):
            if any(a != b for a, b in mapping.items()):
                yield dict(mapping)
            return
        k, p = order[t]
        closes = t + 1 == len(order) or order[t + 1][0] != k
        used = set(mapping.values())
        for q in [p, *(r for r in names if r != p)]:  # the identity first: a stable order
            if q in used or signature[q] != signature[p]:
                continue
            left[0] -= 1
            if left[0] < 0:
                return
            mapping[p] = q
            if not closes or holds(k):
                yield from visit(t + 1)
            del mapping[p]

    yield from visit(0)


def _signatures(names: list[str], coords: dict[str, complex]) -> dict[str, tuple[int, int, int]]:
    """Per point: pairs of other points collinear with it, pairs equidistant from it, and its
    segments as long as some other segment — among `names` only. A symmetry of the clauses
    that define these points keeps every such count (the diagram is generic)."""
    z = np.array([coords[p] for p in names], dtype=complex)
    n = len(z)
    d = z[None, :] - z[:, None]                       # d[i, j] = z_j - z_i
    length = np.abs(d)
    scale = length.max() or 1.0
    cross = np.abs((np.conj(d)[:, :, None] * d[:, None, :]).imag)
    tol = SIGNATURE_TOLERANCE
    others = ~np.eye(n, dtype=bool)
    pairs = others[:, :, None] & others[:, None, :] & ~np.eye(n, dtype=bool)[None, :, :]
    coll = (pairs & (cross < tol * scale * scale)).sum(axis=(1, 2)) // 2
    equi = (pairs & (np.abs(length[:, :, None] - length[:, None, :]) < tol * scale)).sum(axis=(1, 2)) // 2
    upper = np.triu(others)
    values = np.sort(length[upper])
    mates = np.zeros(n, dtype=int)
    if len(values) > 1:  # a segment's own length is among the values: a mate makes two
        lo = np.searchsorted(values, length - tol * scale)
        hi = np.searchsorted(values, length + tol * scale)
        mates = ((hi - lo > 1) & others).sum(axis=1)
    return {p: (int(coll[i]), int(equi[i]), int(mates[i])) for i, p in enumerate(names)}


def _goal_kept(problem: Problem, mapping: dict[str, str], coords: dict[str, complex]) -> bool:
    goal = problem.goal
    if goal is None:
        return True
    return check(goal.predicate, [coords[mapping[p]] for p in goal.points], list(goal.numbers))


def image_clause(clause: Clause, sym: Symmetry) -> Clause | None:
    """The clause with every given point renamed by the symmetry (new points keep their
    names), or None when it uses a point the symmetry does not cover."""
    mapping = dict(sym.mapping)
    steps = []
    for step in clause.steps:
        spec = CONSTRUCTIONS[step.name]
        args = []
        for i, arg in enumerate(step.args):
            if arg in clause.points or i >= spec.arity - spec.numbers:  # new point or a number
                args.append(arg)
            elif arg in mapping:
                args.append(mapping[arg])
            else:
                return None
        steps.append(Step(step.name, tuple(args)))
    text = " ".join(clause.points) + " = " + ", ".join(" ".join([s.name, *s.args]) for s in steps)
    return Clause(clause.points, tuple(steps), text=text)


def image_position(clause_text: str, sym: Symmetry, coords: dict[str, complex],
                   seed: int = 0) -> complex | None:
    """Where the image under the symmetry of a one-point auxiliary clause over the diagram's
    points lies in the diagram (None when the symmetry does not cover the clause's points or
    the image cannot be drawn)."""
    try:
        clause = parse_clause(clause_text, list(coords))
    except GeometryError:
        return None
    image = image_clause(clause, sym)
    if image is None or len(image.points) != 1:
        return None
    try:
        drawn = extend(Diagram(dict(coords)), image, random.Random(seed))
    except GeometryError:
        return None
    return drawn[image.points[0]]
