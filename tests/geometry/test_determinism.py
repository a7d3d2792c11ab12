"""The same seed gives the same diagram and the same proof text."""

from lemmata.engines.geometry import parse_problem, proof_text, solve
from lemmata.engines.geometry.diagram import draw

TEXT = ("a b c = triangle a b c; o = circle o a b c; d = on_circle d o a; "
        "p = on_aline p b c a b d, on_aline p d c a d b ? cong a p c p")


def test_same_seed_same_proof_text() -> None:
    first = solve(parse_problem(TEXT, "imo_2004_p5"), timeout=20, seed=7)
    second = solve(parse_problem(TEXT, "imo_2004_p5"), timeout=20, seed=7)
    assert first.proved
    assert proof_text(first.proof) == proof_text(second.proof)


def test_different_seeds_draw_different_diagrams() -> None:
    p = parse_problem(TEXT, "imo_2004_p5")
    assert draw(p, 1).points != draw(p, 2).points
    assert draw(p, 3).points == draw(p, 3).points
