"""AlphaGeometry2's problem language: points with coordinates, premises as predicates."""

from __future__ import annotations

import os

import pytest

from lemmata.engines.geometry import parse_problem, solve
from lemmata.engines.geometry.errors import BadGoalError, GeometryLanguageError
from lemmata.engines.geometry.language import read_problems
from lemmata.engines.geometry.problem_sets import problem_set
from lemmata.engines.geometry.predicates import Predicate
from tests.conftest import run_cli

AG2 = read_problems(problem_set("ag2"))


def test_premise_clause_keeps_coordinates_and_predicates() -> None:
    problem = parse_problem(AG2["ag2_midline"], "ag2_midline")
    m = next(c for c in problem.clauses if c.points == ("m",))
    assert m.fixed == {"m": 2 + 0j} and m.steps == ()
    assert [(s.name, s.args) for s in m.premises] == [("coll", ("a", "b", "m")), ("cong", ("a", "m", "b", "m"))]
    assert problem.goal.predicate is Predicate.PARA


@pytest.mark.parametrize("name", sorted(AG2))
def test_ag2_statement_is_proved_in_its_given_diagram(name: str) -> None:
    sol = solve(parse_problem(AG2[name], name), timeout=20)
    assert sol.proved and not sol.rejected, (name, sol.rejected)
    given = {k: v for c in sol.problem.clauses for k, v in c.fixed.items()}
    assert sol.diagram.points == given  # the given coordinates are the diagram


def test_value_goals_are_declined_with_a_clear_message() -> None:
    with pytest.raises(BadGoalError, match="acompute.*statements only"):
        parse_problem("a@0_0 = ; b@4_0 = ; c@1_3 = ? acompute a b a c")


def test_point_without_coordinates_or_construction_is_an_error() -> None:
    with pytest.raises(GeometryLanguageError, match="needs its coordinates"):
        parse_problem("a = ; b@1_0 = ? cong a b a b")


def test_unknown_premise_predicate_names_both_vocabularies() -> None:
    with pytest.raises(GeometryLanguageError, match="neither a construction nor a premise"):
        parse_problem("a@0_0 = ; b@1_0 = ; c@0_1 = spiral a b c ? perp a b a c")


def test_degeneracy_conditions_are_read_not_stated() -> None:
    problem = parse_problem("a@0_0 = ; b@4_0 = ; c@1_3 = ncoll a b c; m@2_0 = coll a b m, cong a m b m ? cong m a m b")
    assert problem.clauses[2].premises == ()
    assert solve(problem).proved


def test_statement_without_goal_exits_non_zero_with_one_line(tmp_path) -> None:
    path = tmp_path / "nogoal.txt"
    path.write_text("nogoal\na b c = triangle a b c\n")
    result = run_cli(["geometry", "solve", str(path)], dict(os.environ), tmp_path)
    assert result.returncode != 0
    assert "nothing to prove" in result.stderr and "Traceback" not in result.stderr
    assert "not proved" not in result.stdout
