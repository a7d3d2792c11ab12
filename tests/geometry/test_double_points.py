"""Double points: AlphaGeometry2 states one point twice, at the same coordinates, by different
premises (`m'` on BC equidistant from B and C where `m` is on BC and on a parallel). The engine
keeps them two names until two proved lines or circles crossing there pin both down."""

from __future__ import annotations

import os

import pytest

from lemmata.engines.geometry import parse_problem, solve
from lemmata.engines.geometry.errors import DiagramError
from lemmata.engines.geometry.language import read_problems
from lemmata.engines.geometry.problem_sets import problem_set
from lemmata.engines.geometry.checker import ProofRecord, ProofStep, check_proof
from lemmata.engines.geometry.facts import fact_key
from lemmata.engines.geometry.predicates import Predicate
from lemmata.engines.geometry.session import GeometrySession
from tests.conftest import run_cli

# m is where the parallel to AB through the midpoint n of AC meets BC; m' is stated as the
# midpoint of BC. The midline theorem puts m' on line nm too, so BC and nm pin m' to m.
PINNED = ("a@0_0 = ; b@4_0 = ; c@1_3 = ; n@0.5_1.5 = coll n a c, cong n a n c; "
          "m@2.5_1.5 = coll m b c, para m n a b; m'@2.5_1.5 = coll m' b c, cong m' b m' c ? cong m b m c")
# The same figure with AC = AB by placement only, a goal nothing proves: deduction saturates.
SATURATED = ("a@0_0 = ; b@4_0 = ; c@0_4 = ; n@0_2 = coll n a c, cong n a n c; "
             "m@2_2 = coll m b c, para m n a b; m'@2_2 = coll m' b c, cong m' b m' c ? cong a b a c")
# t and t' share the circle through a, b and the line st, which only touches the circle at t
# (by placement): nothing proves t' is t, so t' = t must not be used.
TOUCHING = ("o@0_0 = ; a@-2_0 = ; b@2_0 = cong o a o b, coll o a b; t@0_2 = cong o t o a; s@1_2 = ; "
            "t'@0_2 = coll t' s t, cyclic a b t t', cong t' a t' b ? cong t a t b")


def _session(text: str) -> GeometrySession:
    session = GeometrySession(seed=0, timeout=20)
    session.build(text, "doubles")
    return session


def test_a_point_stated_twice_is_drawn_at_its_given_coordinates() -> None:
    sol = solve(parse_problem(PINNED, "pinned"), timeout=20)
    assert sol.diagram.points["m"] == sol.diagram.points["m'"] == 2.5 + 1.5j
    assert sol.proved and not sol.rejected


def test_two_crossing_lines_make_the_two_names_one_point() -> None:
    db = _session(SATURATED).ded.db
    assert ("m", "m'") in db.same_points
    # each name's premise, now about the other
    assert fact_key(Predicate.PARA, ("m'", "n", "a", "b")) in db.keys
    assert fact_key(Predicate.CONG, ("m", "b", "m", "c")) in db.keys
    # no statement treats the two names as two points: no segment between them
    apart = [f for f in db.facts if f.predicate.value in ("para", "perp", "cong", "eqangle", "eqratio")
             and any({f.points[i], f.points[i + 1]} == {"m", "m'"} for i in range(0, len(f.points), 2))]
    assert apart == []


def test_loci_that_only_touch_do_not_pin_a_double_point() -> None:
    session = _session(TOUCHING)
    assert session.ded.db.same_points == {}
    assert not solve(parse_problem(TOUCHING, "touching"), timeout=20).proved


def test_checker_refuses_a_renaming_without_two_crossing_loci() -> None:
    steps = [ProofStep("cong", ("t'", "a", "t'", "b"), "construction"),
             ProofStep("coll", ("t'", "s", "t"), "construction"),
             ProofStep("cyclic", ("a", "b", "t", "t'"), "construction"),
             ProofStep("cong", ("t", "a", "t", "b"), "s16", (0, 1, 2))]
    report = check_proof(ProofRecord(TOUCHING, steps, "touching"))
    assert not report.ok and "step 4" in report.failures[0]
    # the same renaming is accepted where they cross: s on the chord tb, b the other common point
    assert check_proof(ProofRecord(TOUCHING.replace("s@1_2", "s@1_1"), steps, "crossing")).ok


def test_alphageometry2_file_with_a_double_point_solves_from_the_cli(tmp_path) -> None:
    path = tmp_path / "ag2.txt"
    path.write_text(f"pinned\n{PINNED}\n")
    result = run_cli(["geometry", "solve", str(path)], dict(os.environ), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "proved" in result.stdout and "Error" not in result.stderr


def test_a_fact_about_one_name_proves_the_goal_about_the_other() -> None:
    # t' is stated on line st and the circle through a, b, t; the line is a secant (it meets
    # the circle again at b), so t' is t, and ot = oa (given for t) proves ot' = oa.
    text = ("o@0_0 = ; a@-2_0 = ; b@2_0 = cong o a o b, coll o a b; t@0_2 = cong o t o a; s@1_1 = ; "
            "t'@0_2 = coll t' s t, cyclic a b t t' ? cong o t' o a")
    sol = solve(parse_problem(text, "secant"), timeout=20)
    assert sol.proved and not sol.rejected
    assert sol.proof[-1].rule.value == "s16"


def test_a_construction_meeting_only_at_an_existing_point_states_it_again() -> None:
    # the parallel to AB through the midpoint of AC meets BC at the midpoint m of BC
    text = ("a b c = triangle a b c; m = midpoint m b c; n = midpoint n a c; "
            "x = on_line x b c, on_pline x n a b ? cong x b x c")
    sol = solve(parse_problem(text, "midline"), timeout=20)
    assert sol.diagram.points["x"] == sol.diagram.points["m"]
    assert sol.proved and not sol.rejected  # the checker's fresh drawings place x at m too


def test_a_construction_landing_on_its_own_argument_is_still_degenerate() -> None:
    with pytest.raises(DiagramError, match="cannot draw `x = foot x c a b`"):
        solve(parse_problem("a b = segment a b; c = on_line c a b; x = foot x c a b ? coll x a b", "flat"))


def test_imo_2021_p3_is_proved_with_alphageometry2s_double_point_constructions() -> None:
    # AlphaGeometry2's auxiliary points for IMO 2021 P3, as constructions: y2 is where the
    # tangent at d to circle bdc meets bc (it is y), e2 the second point of line f y2 on circle
    # fbc (it is e), m2 that of line pb on circle bdk (it is m).
    aux = ["da = reflect da d b c", "db = reflect db d c a", "dc = reflect dc d a b",
           "q = circle q da db dc", "m = on_line m a y, on_circum m a b c",
           "k = on_circum k a d c, on_circle k y d", "o3 = circle o3 b d c",
           "y2 = on_line y2 b c, on_tline y2 d o3 d", "e2 = on_line e2 f y2, on_circum e2 f b c",
           "p = on_line p a c, on_line p d k", "m2 = on_line m2 p b, on_circum m2 b d k"]
    session = GeometrySession(seed=0, timeout=60)
    session.build(read_problems(problem_set("imo"))["translated_imo_2021_p3"], "imo_2021_p3")
    statuses = [session.add(clause) for clause in aux]
    assert all(s.ok for s in statuses) and statuses[-1].goal_proved  # proved = checker accepted
    assert {("y", "y2"), ("e", "e2")} <= set(session.ded.db.same_points)
