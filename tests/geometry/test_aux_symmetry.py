"""Symmetries of a statement (renamings of its points that keep what it says), and the
auxiliary search's trial of a candidate together with its symmetric image."""

import pytest

from lemmata.engines.geometry.auxiliary import search
from lemmata.engines.geometry.diagram import draw
from lemmata.engines.geometry.language import load_problem, parse_clause, parse_problem, read_problems
from lemmata.engines.geometry.problem_sets import SETS
from lemmata.engines.geometry.symmetry import image_clause, image_position, symmetries
from tests.geometry.test_aux_schedule import virtual_clock  # noqa: F401 (a fixture)

# B and C play the same part: the feet from them on the opposite sides, M between them.
FEET = "a b c = triangle a b c; m = midpoint m b c; e = foot e b a c; f = foot f c a b ? cong m e m f"
# The same thing said in other words: D on BC, E on AC with DE ∥ AB (one clause has one
# construction, its image two).
WORDS = "a b c = triangle a b c; d = on_line d b c; e = on_line e a c, on_pline e d a b ? para d e a b"
# Symmetric in B, C up to the midpoint; the perpendicular at A to AB breaks it.
PARTIAL = "a b c = triangle a b c; m = midpoint m b c; e = on_tline e a a b ? perp a e a b"
# A directed angle of 1/3 π at A from AB to AC: a mirror image would turn the other way.
ASYMMETRIC = "a b = segment a b; c = s_angle b a c 60; d = midpoint d a c ? midp d a c"


def _moves(text: str) -> list[tuple[int, bool, dict[str, str]]]:
    problem = parse_problem(text)
    coords = draw(problem, seed=0).points
    return [(s.clauses, s.full, {p: q for p, q in s.mapping if p != q})
            for s in symmetries(problem, coords)]


def test_a_symmetric_statement_has_its_swap_covering_every_clause() -> None:
    assert _moves(FEET) == [(4, True, {"b": "c", "c": "b", "e": "f", "f": "e"})]


def test_clauses_that_say_the_same_in_other_words_map_onto_each_other() -> None:
    found = _moves(WORDS)
    assert (3, True, {"a": "b", "b": "a", "d": "e", "e": "d"}) in found
    assert all(full for depth, full, _ in found if depth == 3)


def test_a_partial_symmetry_covers_only_the_clauses_it_keeps() -> None:
    found = _moves(PARTIAL)
    assert found[0] == (2, False, {"b": "c", "c": "b"})
    assert all(depth < 3 for depth, _, _ in found), "nothing maps the perpendicular at A"


def test_an_asymmetric_statement_has_no_symmetry() -> None:
    assert _moves(ASYMMETRIC) == []


def test_the_same_statement_gives_the_same_symmetries() -> None:
    problem = load_problem(SETS["symmetric"], "blanchet_base")
    coords = draw(problem, seed=0).points
    assert symmetries(problem, coords) == symmetries(problem, coords)


def test_the_image_of_a_construction_renames_its_given_points_only() -> None:
    problem = parse_problem(FEET)
    coords = draw(problem, seed=0).points
    swap = symmetries(problem, coords)[0]
    image = image_clause(parse_clause("x = foot x e m b", list(coords)), swap)
    assert image is not None and image.text == "x = foot x f m c"
    # Drawn, the image is where that construction puts the point.
    where = image_position("x = foot x e m b", swap, coords)
    trial = draw(parse_problem(FEET.split("?")[0] + "; x = foot x f m c"), seed=0)
    assert abs(where - trial.points["x"]) < 1e-9
    # A construction the swap keeps (the midpoint of EF) has its image where it is.
    middle = (coords["e"] + coords["f"]) / 2
    assert image_position("x = midpoint x e f", swap, coords) == pytest.approx(middle)
    # A construction over a point the symmetry does not cover has no image.
    assert image_position("x = midpoint x e y", swap, {**coords, "y": 1 + 1j}) is None


def test_a_problem_needing_a_symmetric_pair_is_proved_by_the_pair() -> None:
    text = dict(_problems())["blanchet_reflect"]
    found = search(text, timeout=60.0, seed=0)
    assert found.proved and found.phase == "symmetric", (found.phase, found.clauses)
    assert found.session is not None and found.session.check().ok
    # The two auxiliary points are one construction and its image under A ↔ B, F ↔ G: the
    # feet of F and G on CD.
    steps = [clause.split("=", 1)[1].split() for clause in found.clauses]
    feet = sorted((step[0], step[2], frozenset(step[3:])) for step in steps)
    assert feet == [("foot", "f", frozenset("cd")), ("foot", "g", frozenset("cd"))], found.clauses


def test_a_longer_budget_never_loses_the_symmetric_proof(virtual_clock) -> None:
    text = dict(_problems())["blanchet_reflect"]
    budgets = [1.0, 4.0, 16.0, 64.0, 256.0]
    proved = [search(text, timeout=t, seed=0).proved for t in budgets]
    assert proved[-1] and not proved[0], list(zip(budgets, proved))
    assert proved == sorted(proved), f"a longer budget lost a proof: {list(zip(budgets, proved))}"


def _problems() -> list[tuple[str, str]]:
    return list(read_problems(SETS["symmetric"]).items())
