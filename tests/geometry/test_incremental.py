"""Re-saturating after an auxiliary point (semi-naive: only candidates whose failed queries
may now succeed are tried again) derives what saturating the same diagram from scratch, with
every rule re-tried every round, derives."""

import pytest

from bench.geometry_incremental_check import compare
from lemmata.engines.geometry.algebra import LinearSystem
from lemmata.engines.geometry.language import read_problems
from lemmata.engines.geometry.problem_sets import SETS
from lemmata.engines.geometry.session import GeometrySession

CYCLIC = ("a b c = triangle a b c; o = circle o a b c; h = orthocenter h a b c; "
          "d = foot d a b c ? cong o a o b")


def _agree(text: str, name: str, count: int) -> None:
    results = compare(text, name, count, timeout=60)
    assert results, "no candidate point was compared"
    for r in results:
        assert r.complete, f"{r.clause}: a saturation did not reach its fixpoint"
        assert not r.only_incremental and not r.only_scratch, (
            f"{r.clause}: incremental only {sorted(r.only_incremental)[:3]}, "
            f"scratch only {sorted(r.only_scratch)[:3]}")


@pytest.mark.parametrize("name", ["orthocenter_aux", "euler"])
def test_incremental_saturation_matches_scratch_on_examples(name: str) -> None:
    _agree(read_problems(SETS["examples"])[name], name, 4)


def test_incremental_saturation_matches_scratch_with_a_circle() -> None:
    _agree(CYCLIC, "cyclic", 6)


@pytest.mark.slow
@pytest.mark.parametrize(("problem_set", "every"), [("imo", 1), ("jgex", 4)])
def test_incremental_saturation_matches_scratch_on_whole_sets(problem_set: str, every: int) -> None:
    # Every 4th JGEX problem keeps CI's slow step short; `python -m bench.geometry_incremental_check
    # --set jgex` checks all 231.
    for name, text in list(read_problems(SETS[problem_set]).items())[::every]:
        results = compare(text, name, 1, timeout=30)
        bad = [r.clause for r in results if r.complete and (r.only_incremental or r.only_scratch)]
        assert not bad, f"{name}: {bad}"


def test_a_point_on_nothing_tries_no_old_candidate_again() -> None:
    # A point far from every line and circle adds no relation between old points, so no
    # candidate over old points has anything new to try.
    session = GeometrySession(seed=0)
    session.build(CYCLIC.split("?")[0])
    before = dict(session.ded.tried)
    twin = session.copy()
    twin.add("x = free x")
    rerun = [k for k, attempt in twin.ded.tried.items() if k in before and attempt != before[k]]
    assert before and not rerun, rerun[:5]


def test_a_pivot_born_later_marks_the_variables_it_touches() -> None:
    system = LinearSystem()
    system.add({1: 1, 2: -1}, 0, 0)
    size = len(system.rows)
    assert not system.grew_on({1, 3}, size)
    system.add({3: 1, 1: -1}, 0, 1)
    assert system.grew_on({3}, size) and not system.grew_on({1, 2}, size)


def test_a_copy_is_independent_of_its_original() -> None:
    session = GeometrySession(seed=0)
    session.build(CYCLIC)
    db = session.ded.db
    snapshot = (len(db.facts), dict(db.keys), {k: set(v) for k, v in db.line_points.items()},
                [set(c.points) for c in db.circles], len(db.angles.rows),
                {p: dict(r.coeffs) for p, r in db.angles.rows.items()}, dict(db.diagram.points))
    twin = session.copy()
    assert twin.add("x = midpoint x h o").ok and twin.add("y = on_line y a o, on_line y b c").ok
    assert len(twin.ded.db.facts) > snapshot[0]
    after = (len(db.facts), dict(db.keys), {k: set(v) for k, v in db.line_points.items()},
             [set(c.points) for c in db.circles], len(db.angles.rows),
             {p: dict(r.coeffs) for p, r in db.angles.rows.items()}, dict(db.diagram.points))
    assert after == snapshot
    assert session.aux_points == [] and twin.aux_points == ["x", "y"]


def test_an_index_built_on_the_previous_one_equals_one_from_scratch() -> None:
    """After new points, the numeric index computes only what involves them; what it holds
    (lines, circles, midpoints, similar triangles) is what an index from scratch holds, and
    the previous index's shape table, which it shares, is left as it was."""
    from lemmata.engines.geometry.numeric_index import index_diagram, similar_triangles

    session = GeometrySession(seed=0)
    session.build(CYCLIC.split("?")[0])
    diagram = session.ded.db.diagram
    base = index_diagram(diagram)
    similar_triangles(base, diagram)
    shapes_before = {key: list(tris) for key, tris in base.shapes.items()}
    session.add("m = midpoint m a h")
    session.add("e = foot e b a c")
    built_on = index_diagram(diagram, base)
    scratch = index_diagram(diagram)
    for field in ("names", "lines", "circles", "equidistant", "midpoints"):
        assert getattr(built_on, field) == getattr(scratch, field), field
    assert ("m", "a", "h") in scratch.midpoints
    pairs = [{(frozenset((frozenset(zip(t1, t2)), frozenset(zip(t2, t1)))), reflected)
              for t1, t2, reflected in similar_triangles(ix, diagram)} for ix in (built_on, scratch)]
    assert pairs[0] and pairs[0] == pairs[1]  # the same pairs (each named in either order)
    assert base.shapes == shapes_before
