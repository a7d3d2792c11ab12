"""Heuristic auxiliary points: they prove what plain deduction cannot, candidates are clean,
and the search is deterministic for a fixed seed."""

from lemmata.engines.geometry import GeometrySession
from lemmata.engines.geometry.auxiliary import candidates, search
from lemmata.engines.geometry.language import parse_problem

ORTHOCENTRE = "a b c = triangle; h = on_tline h b a c, on_tline h c a b ? perp a h b c"
SAMPLE = ("a b c = triangle a b c; o = circle o a b c; m = midpoint m b c; "
          "h = on_tline h b a c, on_tline h c a b ? perp o m b c")
BUDGET = 20.0
SAME_POINT = 1e-2


def test_plain_deduction_cannot_prove_the_orthocentre() -> None:
    session = GeometrySession(seed=0)
    status = session.build(ORTHOCENTRE)
    assert status.ok and not status.goal_proved


def test_search_proves_the_orthocentre_with_an_auxiliary_point() -> None:
    found = search(ORTHOCENTRE, timeout=BUDGET, seed=0)
    assert found.proved and not found.plain_proved
    assert found.clauses and found.session is not None
    assert found.session.proof_text().strip()
    assert set(found.session.aux_points) >= {c.split("=")[0].strip() for c in found.clauses}


def test_candidates_have_no_duplicates_and_no_degenerate_points() -> None:
    session = GeometrySession(seed=0)
    session.build(SAMPLE)
    coords = dict(session.ded.db.diagram.points)
    pool = candidates(parse_problem(SAMPLE), coords)
    assert pool
    clauses = [c.clause.split("=", 1)[1].replace(c.name, "x") for c in pool]
    assert len(clauses) == len(set(clauses))
    assert len({c.name for c in pool}) == len(pool)
    for cand in pool:
        assert cand.position == cand.position  # not NaN
        assert all(abs(cand.position - z) >= SAME_POINT for z in coords.values())
    # m is the midpoint of bc already, so the candidate `midpoint b c` is pruned.
    assert not any(c.kind == "midpoint" and c.clause.endswith(" b c") for c in pool)
    # b, c, m are collinear: they have no circumcentre.
    assert not any(c.kind == "circle" and c.clause.endswith(" b c m") for c in pool)


def test_same_seed_same_result() -> None:
    first = search(ORTHOCENTRE, timeout=BUDGET, seed=3)
    second = search(ORTHOCENTRE, timeout=BUDGET, seed=3)
    assert first.proved == second.proved
    assert first.clauses == second.clauses and first.tried == second.tried
    problem = parse_problem(SAMPLE)
    session = GeometrySession(seed=3)
    session.build(SAMPLE)
    coords = dict(session.ded.db.diagram.points)
    assert candidates(problem, coords) == candidates(problem, coords)
