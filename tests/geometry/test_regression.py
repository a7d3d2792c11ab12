"""A sample of the Newclid regression problems is proved by deduction and algebra."""

import pytest

from lemmata.engines.geometry import parse_problem, solve

SAMPLE = [
    "incenter_excenter", "imo_2004_p1", "rule_r29_not_found_disguise", "find_r22",
    "two_paths_problem", "angles_in_triangle", "square_side", "regular_pentagon_angle",
    "geometric_ratios", "ar_example_paper_angle_chasing", "ar_example_paper_distance_chasing",
    "cong2_problem", "midpoint_splits_in_two", "central_angle_vs_internal_angle",
    "checking_ordering_r27_oac_obd", "tangents_to_circle", "miquel_theorem",
    "two_perps_at_point_are_collinear", "worlds_hardest_easy_geometry_problem1_with_construction",
]


@pytest.mark.parametrize("name", SAMPLE)
def test_regression_problem_is_proved(name: str, regression_examples) -> None:
    solution = solve(parse_problem(regression_examples[name], name), timeout=30)
    assert solution.proved, f"{name} saturated after {solution.facts} facts"
