"""Exact algebra: rational coefficients, provenance, and derived facts that hold numerically."""

from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lemmata.engines.geometry import DiagramError, parse_problem
from lemmata.engines.geometry.algebra import LinearSystem
from lemmata.engines.geometry.rules import RuleId
from lemmata.engines.geometry.solver import build


def test_rows_are_exact_fractions_with_provenance() -> None:
    system = LinearSystem()
    system.add({1: Fraction(1), 2: Fraction(-1)}, Fraction(0), source=0)
    system.add({2: Fraction(1), 3: Fraction(-1)}, Fraction(1, 2), source=1)
    reduced = system.reduce({1: Fraction(1), 3: Fraction(-1)})
    assert reduced.is_constant and reduced.const == Fraction(1, 2)
    assert set(reduced.why) == {0, 1}
    for row in system.rows.values():
        assert all(isinstance(c, Fraction) for c in row.coeffs.values())
        assert isinstance(row.const, Fraction)


def test_redundant_equation_is_not_added() -> None:
    system = LinearSystem()
    assert system.add({1: Fraction(1), 2: Fraction(-1)}, Fraction(0), source=0)
    assert not system.add({1: Fraction(2), 2: Fraction(-2)}, Fraction(0), source=1)


def test_engine_systems_use_fractions_only() -> None:
    ded = build(parse_problem("a b c = triangle a b c; o = circle o a b c; m = midpoint m b c ? perp o m b c"))
    ded.run(lambda: False, timeout=5)
    for system in (ded.db.angles, ded.db.ratios, ded.db.lengths):
        for row in system.rows.values():
            assert all(type(c) is Fraction for c in row.coeffs.values())


CLAUSES = [
    "d = midpoint d a b", "d = foot d a b c", "d = on_circle d a b", "d = circle d a b c",
    "d = on_tline d a b c", "d = on_pline d a b c", "d = orthocenter d a b c",
    "d = angle_bisector d a b c", "d = mirror d a b", "d = on_line d a b",
]
CLAUSES_E = [c.replace("d = ", "e = ").replace(" d ", " e ", 1).replace("a b c", "b c d")
             .replace("a b", "c d") for c in CLAUSES]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CLAUSES), st.sampled_from(CLAUSES_E), st.integers(0, 10_000))
def test_facts_derived_on_random_problems_hold_in_the_diagram(first: str, second: str, seed: int) -> None:
    problem = parse_problem(f"a b c = triangle a b c; {first}; {second}", "random")
    try:
        ded = build(problem, seed)
    except DiagramError:  # e.g. a foot onto a line through the point itself
        assume(False)
    ded.run(lambda: False, timeout=3, max_rounds=3)
    derived = [f for f in ded.db.facts if f.rule != RuleId.CONSTRUCTION]
    for fact in derived:
        assert ded.db.diagram.holds(fact.predicate, fact.points, fact.numbers), str(fact)
