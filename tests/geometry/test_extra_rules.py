"""Our rules beyond the public list, each on a problem that needs it (JGEX / Newclid data)."""

import pytest

from lemmata.engines.geometry import parse_problem, solve

S14 = "a b c = triangle a b c; d = on_circum d a b c; o = on_bline o a b, on_bline o c d ? cong o a o c"
S15 = ("d e = segment d e; h = free h; c = on_tline c h d e; a = on_circle a d h; "
       "b = intersection_lc b c d a; p = on_circle p e h; q = intersection_lc q c e p ? cyclic a b p q")
# s17: circles DBC and DEF touch at D (centres O, P and D collinear), B, C, E, F concyclic.
S17 = ("d b c = triangle d b c; o = circle o d b c; p = on_line p o d; e = on_circle e p d; "
       "f = on_circum f b c e, on_circle f p d; y = on_line y b c, on_line y e f ? eqangle y d d b c d c b")
# s18: circles ACDT, ABCG, GBDT; Z = AC ∩ GB is their radical centre.
S18 = ("a b c = triangle a b c; g = on_circum g a b c; d = free d; "
       "t = on_circum t a c d, on_circum t g b d; z = on_line z a c, on_line z g b ? coll z d t")
S19 = ("o@0_0 = ; u@3_4 = ; v@3_-4 = cong o u o v; w@-4_3 = cong o u o w; o1@3_0 = ; "
       "u2@4.2_1.6 = ; v2@4.2_-1.6 = cong o1 u2 o1 v2, para u v u2 v2; "
       "w2@1.4_1.2 = cong o1 u2 o1 w2, eqangle u u2 v v2 w u w v, eqangle u u2 v v2 w2 u2 w2 v2; "
       "x@5_0 = cong o x o u, cong o1 x o1 u2 ? coll x u u2")
"""s19 on its own, in AlphaGeometry2's form: circles Γ (centre o) and ω (centre o1) through x;
chords uv ∥ u2v2; the lines u u2 and v v2 meet on both circles (the two angle premises), so the
circles touch there and x, their one common point, is on u u2."""
IMO_2011_P6 = ("a b c = triangle a b c; o = circle o a b c; p = on_circle p o a; q = on_tline q p o p; "
               "pa = reflect pa p b c; pb = reflect pb p c a; pc = reflect pc p a b; qa = reflect qa q b c; "
               "qb = reflect qb q c a; qc = reflect qc q a b; a1 = on_line a1 pb qb, on_line a1 pc qc; "
               "b1 = on_line b1 pa qa, on_line b1 pc qc; c1 = on_line c1 pa qa, on_line c1 pb qb; "
               "o1 = circle o1 a1 b1 c1; ta = reflect ta p o a; tb = reflect tb p o b; "
               "tc = reflect tc p o c; x = on_circle x o a, on_circle x o1 a1 ? coll x o o1")
"""IMO 2011 P6 with three auxiliary points (P reflected in OA, OB, OC): the triangles ta tb tc
and a1 b1 c1 have parallel sides and their homothety centre is on both circles; only s19 says
that x, the circles' common point, is that centre."""
CASES = {
    "s6": "a b c d = eq_trapezoid a b c d ? eqangle a d a b b a b c",
    "s7": "a b c = triangle a b c; d = angle_bisector d c b a, on_line d a c; "
          "e = angle_bisector e a c b, on_line e a b; f = on_line f d e, on_line f b c; "
          "g = on_line g a b ? eqangle a g a f a f a c",
    "s9": "a o = segment a o; b = eqdistance b o o a; x = angle_bisector x a o b; "
          "c = eqangle3 c a b o a x ? cong o c o a",
    "s10": "a b c d = quadrangle a b c d; e = midpoint e b a; f = foot f a c d; g = foot g b c d ? cong e f e g",
    "s11": "a b d = triangle a b d; e = midpoint e d a; c = angle_bisector c a b d, on_dia c a b ? para c e b d",
    "s12": "a b = segment a b; c = on_bline c a b; d = on_tline d b a b; "
           "e = intersection_lt e c d a a b ? cong e c c d",
    "s13": "a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; "
           "e = angle_bisector e b a c, on_dia e a c ? para d e a b",
    "s14": S14,
    "s15": S15,
    "s17": S17,
    "s18": S18,
    "s19": S19,
}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_is_used_in_the_proof(rule_id: str) -> None:
    solution = solve(parse_problem(CASES[rule_id], rule_id), timeout=20)
    assert solution.proved
    assert rule_id in {f.rule.value for f in solution.proof}


@pytest.mark.parametrize("rule_id, text", [("s14", S14), ("s15", S15), ("s17", S17), ("s18", S18),
                                           ("s19", S19), ("s19", IMO_2011_P6)],
                         ids=["s14", "s15", "s17", "s18", "s19", "s19-imo-2011-p6"])
def test_new_rule_is_needed_and_its_proof_checks(rule_id: str, text: str, monkeypatch) -> None:
    """s14: O on the perpendicular bisectors of two chords of a circle is its centre. s15: a
    point on the radical axis of two circles has equal powers, so its secants end on one
    circle. s17 / s18: the radical axes of three circles concur (two of them tangent / all
    meeting in chords). s19: two circles touch where lines joining parallel chords meet on
    both. Without the rule's pass the engine cannot prove either; with it, the proof passes
    the independent checker."""
    from lemmata.engines.geometry import matchers, solver
    from lemmata.engines.geometry.checker import check_proof, record_from_facts

    problem = parse_problem(text, rule_id)
    solution = solve(problem, timeout=20)
    assert solution.proved
    assert check_proof(record_from_facts(problem, solution.proof, 0)).ok
    rule_pass = {"s14": matchers.match_circle_centers, "s15": matchers.match_radical_axis,
                 "s17": matchers.match_tangent_radical_centre, "s18": matchers.match_radical_centre,
                 "s19": matchers.match_tangent_circles}[rule_id]
    monkeypatch.setattr(solver, "MATCHERS", [m for m in solver.MATCHERS if m is not rule_pass])
    assert not solve(parse_problem(text, rule_id), timeout=20).proved


def test_ratio_products_prove_ceva_consequence() -> None:
    text = ("a b c = triangle a b c; d = midpoint d b c; p = on_line p a d; "
            "e = on_line e b p, on_line e c a; f = on_line f c p, on_line f a b ? para e f b c")
    solution = solve(parse_problem(text, "ceva"), timeout=20)
    assert solution.proved
    assert {"s7", "s8"} & {f.rule.value for f in solution.proof}


IMO_PROVED = ["translated_imo_2004_p5", "translated_imo_2012_p1", "translated_imo_2022_p4"]


@pytest.mark.slow
@pytest.mark.parametrize("name", IMO_PROVED)
def test_imo_problems_proved_without_auxiliary_points(name: str) -> None:
    from tests.geometry.conftest import SETS_DIR
    from lemmata.engines.geometry.language import read_problems

    problems = read_problems(SETS_DIR / "imo_ag_30.txt")
    assert solve(parse_problem(problems[name], name), timeout=60).proved


# IMO 2021 P3 with the auxiliary points of the inversion proof: Q the isogonal conjugate of D,
# A' the second point of YA on circle ABC, T on circle ADC with YT = YD, Z = AC ∩ A'B; or
# with three points of the search's own pool (T, Q, and Z on AC with YZ = YC).
IMO_2021_P3_AUX = {
    "inversion": ["q = isogonal q d a b c", "a1 = on_line a1 y a, on_circum a1 a b c",
                  "t1 = on_circle t1 y d, on_circum t1 a c d", "z = on_line z a c, on_line z a1 b"],
    "pool": ["t1 = on_circum t1 a c d, on_circle t1 y d", "q = isogonal q d a b c",
             "z = on_line z a c, on_circum z a f y"],
}


@pytest.mark.parametrize("proof, rules", [("inversion", {"s17", "s18"}), ("pool", {"s17"})])
def test_imo_2021_p3_is_proved_with_its_auxiliary_points(proof: str, rules: set[str]) -> None:
    """YD touches circle DBC (s17: BC, EF and the tangent at D concur), so T on circle ADC
    with YT = YD lies on circle A'BD; the radical centre Z of ADC, ABC, A'BD is on DT (s18),
    so T is on circle EXD too and Y, O1, O2 are on the perpendicular bisector of DT. No
    proper subset of either set proves it."""
    from tests.geometry.conftest import SETS_DIR
    from lemmata.engines.geometry import GeometrySession
    from lemmata.engines.geometry.language import read_problems

    name = "translated_imo_2021_p3"
    session = GeometrySession(seed=0, timeout=30)
    session.build(read_problems(SETS_DIR / "imo_ag_30.txt")[name], name)
    clauses = IMO_2021_P3_AUX[proof]
    for clause in clauses[:-1]:
        assert not session.add(clause).goal_proved
    assert session.add(clauses[-1]).goal_proved  # the checker accepted the proof
    assert rules <= {step.rule for step in session.proof_record().steps}
