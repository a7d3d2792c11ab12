"""The auxiliary-point search is monotone in its budget and its new candidate kinds are sound:
a line–circle or circle–circle candidate is drawn where it was placed and lands on something
the figure already has."""

import itertools

import pytest

from lemmata.engines.geometry import clock
from lemmata.engines.geometry.auxiliary import STRICT_KINDS, candidates, search
from lemmata.engines.geometry.language import parse_clause, parse_problem
from lemmata.engines.geometry.session import GeometrySession

ORTHOCENTRE = "a b c = triangle; h = on_tline h b a c, on_tline h c a b ? perp a h b c"
CYCLIC = ("a b c = triangle a b c; o = circle o a b c; h = orthocenter h a b c; "
          "d = foot d a b c ? cong o a o b")
TICK = 0.01
"""Virtual CPU seconds each clock reading costs: the search then runs the same steps at the same
virtual times in every run, so budgets compare exactly (no wall clock involved)."""


@pytest.fixture
def virtual_clock(monkeypatch):
    counter = itertools.count()
    monkeypatch.setattr(clock, "now", lambda: next(counter) * TICK)


def test_a_longer_budget_never_loses_a_proof(virtual_clock) -> None:
    budgets = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    results = [search(ORTHOCENTRE, timeout=t, seed=0) for t in budgets]
    proved = [r.proved for r in results]
    assert proved[-1], "the largest budget proves the orthocentre"
    assert not proved[0], "the smallest budget is too small (else the test shows nothing)"
    assert proved == sorted(proved), f"a longer budget lost a proof: {list(zip(budgets, proved))}"
    # A larger budget may shrink a batch's proof to the points it uses; every proof checks.
    assert all(r.session.check().ok for r in results if r.proved)


def test_intersection_candidates_land_on_the_figure() -> None:
    problem = parse_problem(CYCLIC)
    session = GeometrySession(seed=0)
    session.build(CYCLIC)
    coords = dict(session.ded.db.diagram.points)
    # The kinds through a point and isogonal conjugates have their own test (test_aux_kinds).
    kinds = {"line-circle", "circle-circle"}
    assert kinds <= STRICT_KINDS
    pool = [c for c in candidates(problem, coords) if c.kind in kinds]
    assert {c.kind for c in pool} == kinds
    for cand in pool[:12]:
        trial = GeometrySession(seed=0)
        trial.build(CYCLIC)
        status = trial.add(cand.clause)
        assert status.ok, status.message
        drawn = trial.ded.db.diagram.points[cand.name]
        assert abs(drawn - cand.position) < 1e-6, cand.clause
        # Beyond its two defining loci the point meets another line or circle of the figure.
        assert _loci_through(drawn, coords) > _defining_loci(cand.clause, coords), cand.clause


def _loci_through(z: complex, coords: dict[str, complex]) -> int:
    """Distinct lines through ≥ 2 and circles through ≥ 3 existing points that pass through z."""
    others = [w for w in coords.values() if abs(w - z) > 1e-6]
    lines = {frozenset(i for i, w in enumerate(others) if _coll(z, a, w))
             for a, b in itertools.combinations(others, 2) if _coll(z, a, b)}
    circles = {frozenset(i for i, w in enumerate(others) if _concyclic(z, a, b, w))
               for a, b, c in itertools.combinations(others, 3) if _concyclic(z, a, b, c)}
    return len(lines) + len(circles)


def _defining_loci(clause: str, coords: dict[str, complex]) -> int:
    """How many of the clause's two loci are themselves lines or circles of the figure."""
    count = 0
    for step in clause.split("=", 1)[1].split(","):
        name, _, *args = step.split()
        if name == "on_line" or name == "on_circum":
            count += 1
        else:  # on_circle x o a: a figure circle when ≥ 3 existing points are on it
            o, a = coords[args[0]], coords[args[1]]
            count += sum(abs(abs(w - o) - abs(a - o)) < 1e-6 for w in coords.values()) >= 3
    return count


def _coll(z: complex, a: complex, b: complex) -> bool:
    return abs(((a - z).conjugate() * (b - z)).imag) < 1e-6 * (abs(a - z) * abs(b - z))


def _concyclic(z: complex, a: complex, b: complex, c: complex) -> bool:
    # z, a, b, c concyclic ⇔ the cross ratio is real (and a, b, c are not collinear).
    if _coll(a, b, c):
        return False
    ratio = ((z - a) * (b - c)) / ((z - c) * (b - a))
    return abs(ratio.imag) < 1e-6 * abs(ratio)
