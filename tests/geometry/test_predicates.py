"""Numeric truth of predicates and the loci used to draw points."""

from fractions import Fraction

from lemmata.engines.geometry.loci import Circle, Line, intersect
from lemmata.engines.geometry.predicates import Predicate, check, parse_number


def test_directed_angles_are_modulo_pi() -> None:
    a, b, c = 0j, 1 + 0j, 1j
    assert check(Predicate.PERP, [a, b, a, c])
    assert check(Predicate.EQANGLE, [a, b, a, c, b, a, c, a])  # reversing both lines keeps angles
    assert not check(Predicate.EQANGLE, [a, b, a, c, a, c, a, b + 1j])


def test_constants_are_in_pi_units() -> None:
    assert parse_number("1pi/3") == Fraction(1, 3)
    assert parse_number("30o") == 30
    a, b, c = 0j, 1 + 0j, complex(0.5, 3 ** 0.5 / 2)
    assert check(Predicate.ACONST, [a, b, a, c], [Fraction(1, 3)])
    assert check(Predicate.RCONST, [a, b, 0j, 2 + 0j], [Fraction(1, 2)])


def test_cyclic_and_similar() -> None:
    pts = [1 + 0j, 1j, -1 + 0j, -1j]
    assert check(Predicate.CYCLIC, pts)
    assert not check(Predicate.CYCLIC, pts[:3] + [0.5j])
    assert check(Predicate.SIMTRI, [0j, 1 + 0j, 1j, 0j, 2 + 0j, 2j])
    assert check(Predicate.CONTRIR, [0j, 1 + 0j, 1j, 0j, 1 + 0j, -1j])


def test_loci_intersections() -> None:
    assert intersect(Line(0j, 1 + 0j), Line(1j, 1 + 0j)) == []  # parallel lines never meet
    meet = intersect(Line(0j, 1 + 0j), Circle(0j, 2.0))
    assert sorted(p.real for p in meet) == [-2.0, 2.0]
    assert len(intersect(Circle(0j, 1.0), Circle(3 + 0j, 1.0))) == 0
