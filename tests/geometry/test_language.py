"""Parser: problems load, errors name the problem and the clause and say what to do."""

import pytest

from lemmata.engines.geometry import GeometryLanguageError, parse_problem
from lemmata.engines.geometry.errors import (
    ArityError, BadGoalError, RedefinedPointError, UndefinedPointError, UnknownConstructionError,
)
from lemmata.engines.geometry.language import read_problems
from lemmata.engines.geometry.predicates import Predicate


def test_starter_clause_without_arguments_and_omitted_new_point() -> None:
    p = parse_problem("a b c = triangle; h = orthocenter a b c ? perp a h b c", "ortho")
    assert p.points == ["a", "b", "c", "h"]
    assert p.clauses[1].steps[0].args == ("h", "a", "b", "c")
    assert p.goal.predicate is Predicate.PERP


def test_intersection_of_two_constructions_and_numbers() -> None:
    p = parse_problem("a b = segment a b; c = s_angle b a c 30, s_angle a b c 60o ? perp c a c b")
    assert [s.name for s in p.clauses[1].steps] == ["s_angle", "s_angle"]
    assert p.clauses[1].steps[1].args[-1] == "60o"


def test_unknown_construction_names_problem_and_clause() -> None:
    with pytest.raises(UnknownConstructionError) as info:
        parse_problem("a b c = triangle; d = on_spiral d a b ? coll a b d", "spiral")
    text = str(info.value)
    assert "spiral" in text and "clause 2" in text and "on_spiral" in text
    assert info.value.clause_index == 1


def test_point_used_before_it_exists() -> None:
    with pytest.raises(UndefinedPointError, match=r"'z'.*earlier clause"):
        parse_problem("a b = segment a b; c = on_line c a z ? coll a b c", "early")


def test_wrong_arity() -> None:
    with pytest.raises(ArityError, match="on_line takes 3 arguments"):
        parse_problem("a b = segment a b; c = on_line c a b a ? coll a b c", "arity")


def test_redefined_point() -> None:
    with pytest.raises(RedefinedPointError, match="already defined"):
        parse_problem("a b = segment a b; a = midpoint a a b", "again")


def test_bad_goal_predicate() -> None:
    with pytest.raises(BadGoalError, match="goal predicate 'parallel'"):
        parse_problem("a b c = triangle ? parallel a b b c", "goal")


def test_every_language_error_is_one_class() -> None:
    assert issubclass(UnknownConstructionError, GeometryLanguageError)


def test_every_benchmark_problem_parses() -> None:
    from tests.geometry.conftest import SETS_DIR
    failures = []
    for name in ("imo_ag_30.txt", "jgex_ag_231.txt"):
        for pname, text in read_problems(SETS_DIR / name).items():
            try:
                parse_problem(text, pname)
            except GeometryLanguageError as exc:
                failures.append(str(exc))
    assert failures == []
