"""The auxiliary search's newer candidate kinds: isogonal conjugates, and lines through a point
parallel or perpendicular to a line where they meet a line or a circle. Each is drawn where it
was placed, lands on something the figure already has, and the isogonal conjugate proves a
problem that plain deduction and the older kinds do not."""

import pytest

from lemmata.engines.geometry import auxiliary
from lemmata.engines.geometry.auxiliary import candidates, search
from lemmata.engines.geometry.language import parse_problem
from lemmata.engines.geometry.session import GeometrySession
from tests.geometry.test_aux_schedule import _defining_loci, _loci_through

# D on the bisector at A; E, F on AC, AB with ∠(DE, DA) = ∠(CD, CB) and ∠(DF, DA) = ∠(BD, BC)
# (the first claim of IMO 2021 P3). Q, the isogonal conjugate of D, lies on AD with B, F, D, Q
# and C, E, D, Q concyclic, so AF·AB = AD·AQ = AE·AC.
BISECTOR = ("a b c = triangle a b c; d = angle_bisector d b a c; f = on_aline f d a d b c, on_line f a b; "
            "e = on_aline e d a d c b, on_line e a c ? cyclic b c e f")
ISOGONAL = "q = isogonal q d a b c"
THROUGH = ("a b c = triangle a b c; o = circle o a b c; h = orthocenter h a b c; "
           "m = midpoint m b c ? cong o a o b")
NEW_KINDS = ("isogonal", "parallel-through", "perpendicular-through")


def test_the_isogonal_conjugate_states_all_three_angle_equalities() -> None:
    session = GeometrySession(seed=0)
    assert not session.build(BISECTOR).goal_proved
    status = session.add(ISOGONAL)
    assert status.ok and "dropped" not in status.message, status.message
    assert status.goal_proved and session.check().ok


def test_the_search_finds_the_isogonal_conjugate_and_its_proof_checks() -> None:
    found = search(BISECTOR, timeout=20.0, seed=0)
    assert found.proved and not found.plain_proved
    assert any(" = isogonal " in clause for clause in found.clauses), found.clauses
    assert found.session.check().ok


@pytest.mark.slow
def test_without_isogonal_conjugates_the_search_does_not_prove_it(monkeypatch) -> None:
    monkeypatch.setattr(auxiliary, "isogonal_points", lambda fig: [])
    assert not search(BISECTOR, timeout=8.0, seed=0).proved


@pytest.mark.parametrize("text", [BISECTOR, THROUGH])
def test_new_kinds_are_drawn_where_placed_and_land_on_the_figure(text: str) -> None:
    session = GeometrySession(seed=0)
    session.build(text)
    coords = dict(session.ded.db.diagram.points)
    pool = [c for c in candidates(parse_problem(text), coords) if c.kind in NEW_KINDS]
    assert pool
    for cand in pool[:10]:
        trial = GeometrySession(seed=0)
        trial.build(text)
        status = trial.add(cand.clause)
        assert status.ok and "dropped" not in status.message, (cand.clause, status.message)
        drawn = trial.ded.db.diagram.points[cand.name]
        assert abs(drawn - cand.position) < 1e-6, cand.clause
        # An isogonal conjugate's two lines are new; a line through a point meets one locus.
        own = 0 if cand.kind == "isogonal" else _own_loci(cand.clause, coords)
        assert _loci_through(drawn, coords) > own, cand.clause


def _own_loci(clause: str, coords: dict[str, complex]) -> int:
    """The through-a-point kinds: their second step is a line or circle of the figure."""
    head, steps = clause.split("=", 1)
    return _defining_loci(f"{head}= {steps.split(',', 1)[1].strip()}", coords)
