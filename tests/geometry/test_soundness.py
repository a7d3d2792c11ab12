"""Statements made false by one change (a swapped point, a degenerate placement with fixed
coordinates, a wrong ratio): the goal holds in the given drawing but does not follow from the
premises, so nothing may prove it, with or without auxiliary points."""

from __future__ import annotations

import pytest

from lemmata.engines.geometry import parse_problem, solve
from lemmata.engines.geometry.auxiliary import search
from lemmata.engines.geometry.language import read_problems
from tests.geometry.conftest import DATA

SOUNDNESS = read_problems(DATA / "soundness.txt")


@pytest.mark.parametrize("name", sorted(SOUNDNESS))
def test_false_statement_is_not_proved_by_deduction(name: str) -> None:
    sol = solve(parse_problem(SOUNDNESS[name], name), timeout=10)
    assert not sol.proved, f"{name}: {len(sol.proof)}-step proof of a false statement"


def test_issue_statement_is_not_proved_with_auxiliary_points() -> None:
    name = "issue_r26_four_collinear_points"
    assert not search(SOUNDNESS[name], timeout=3, name=name).proved


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SOUNDNESS))
def test_false_statement_is_not_proved_with_auxiliary_points(name: str) -> None:
    found = search(SOUNDNESS[name], timeout=10, name=name)
    assert not found.proved, f"{name}: proved with {found.clauses}"
