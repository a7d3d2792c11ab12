"""One minimal problem per deduction rule, parametrised by rule id."""

from pathlib import Path

import pytest

from engines.geometry import parse_problem, solve
from engines.geometry.language import read_problems

PROBLEMS = read_problems(Path(__file__).parent / "data" / "one_rule_each.txt")
NOT_YET: dict[str, str] = {}


@pytest.mark.parametrize("rule_id", [
    pytest.param(n, marks=pytest.mark.xfail(reason=NOT_YET[n], strict=True)) if n in NOT_YET else n
    for n in PROBLEMS
])
def test_each_rule_proves_its_minimal_problem(rule_id: str) -> None:
    solution = solve(parse_problem(PROBLEMS[rule_id], rule_id), timeout=20)
    assert solution.proved
    assert solution.proof[-1].predicate == solution.problem.goal.predicate
