"""Numeric diagrams: goals false in every drawing are reported clearly."""

import pytest

from lemmata.engines.geometry import DiagramError, parse_problem
from lemmata.engines.geometry.diagram import DRAWING_ATTEMPTS, draw


def test_goal_false_in_every_drawing_is_an_error_naming_the_goal() -> None:
    p = parse_problem("a b c = triangle a b c; d = midpoint d a b ? perp c d a b", "false_goal")
    with pytest.raises(DiagramError, match=f"no good drawing in {DRAWING_ATTEMPTS}.*perp c d a b"):
        draw(p, seed=0)


def test_constructions_hold_in_the_drawing() -> None:
    p = parse_problem("a b c = triangle a b c; h = orthocenter h a b c; m = midpoint m a h ? perp a h b c")
    d = draw(p, seed=3)
    assert d.holds(p.goal.predicate, p.goal.points)
