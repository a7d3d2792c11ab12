"""One minimal problem per deduction rule, parametrised by rule id."""

from pathlib import Path

import pytest

from lemmata.engines.geometry import parse_problem, solve
from lemmata.engines.geometry.language import read_problems

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


def test_every_public_and_own_rule_states_its_non_degeneracy_conditions() -> None:
    from lemmata.engines.geometry.check_rules import PATTERNS
    from lemmata.engines.geometry.rules import RULES, RuleId

    bookkeeping = {RuleId.ALGEBRA, RuleId.CONSTRUCTION, RuleId.COLL_MERGE, RuleId.CYCLIC_MERGE,
                   RuleId.MIDPOINT_DEF, RuleId.CIRCLE_DEF}
    missing = [r.value for r in RuleId if r not in bookkeeping and not RULES[r].ndg]
    assert missing == []
    # every rule the engine fires has a pattern the checker re-derives it with
    fired = [r for r in RuleId if r not in bookkeeping and "algebra" not in RULES[r].ndg
             and "not fired" not in RULES[r].ndg]
    assert [r.value for r in fired if r not in PATTERNS] == []


def test_r28_when_both_parallel_lines_pass_through_the_new_point() -> None:
    """a and b on the tangent at z: lines za and zb are both perpendicular to oz, so a, b, z are
    collinear, though no line through a or b is known to be parallel to ab."""
    from lemmata.engines.geometry.checker import check_proof, record_from_facts

    problem = parse_problem("o z = segment o z; a = on_tline a z o z; b = on_tline b z o z "
                            "? coll a b z", "tangent_points")
    solution = solve(problem, timeout=20)
    assert solution.proved and solution.proof[-1].rule.value == "r28"
    assert check_proof(record_from_facts(problem, solution.proof, 0)).ok
