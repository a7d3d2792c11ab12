"""Sampling metrics against hand-computed values, the published G-Pass@k example and brute force."""

from __future__ import annotations

import json
from fractions import Fraction
from itertools import combinations
from math import comb
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lemmata.agent.evaluation.metrics import (
    Ballot,
    MetricError,
    best_of_k,
    expected_maj_at_k,
    expected_maj_at_k_exact,
    g_pass_at_k,
    g_pass_at_k_exact,
    maj_at_k,
    mg_pass_at_k,
    mg_pass_at_k_exact,
    pass_at_k,
    pass_at_k_exact,
    verifier_vote_at_k,
)

CASES = json.loads((Path(__file__).parent / "metric_cases.json").read_text())


@pytest.mark.parametrize("case", CASES["pass_at_k"], ids=lambda case: case["why"])
def test_pass_at_k_matches_hand_computation(case):
    assert pass_at_k_exact(case["n"], case["c"], case["k"]) == Fraction(case["value"])
    assert pass_at_k(case["n"], case["c"], case["k"]) == float(Fraction(case["value"]))


@pytest.mark.parametrize("case", CASES["g_pass_at_k"], ids=lambda case: case["why"])
def test_g_pass_at_k_matches_hand_computation(case):
    assert g_pass_at_k_exact(case["n"], case["c"], case["k"], case["tau"]) == Fraction(case["value"])


@pytest.mark.parametrize("case", CASES["mg_pass_at_k"], ids=lambda case: case["why"])
def test_mg_pass_at_k_matches_hand_computation(case):
    assert mg_pass_at_k_exact(case["n"], case["c"], case["k"]) == Fraction(case["value"])


def test_g_pass_matches_the_published_example():
    # The worked example of the G-Pass@k metric card (huggingface/evaluate, metrics/gpassk):
    # 16 generations, 8 of them correct.
    published = {
        (4, 0.25): 0.9615384615384616, (4, 0.5): 0.7153846153846154,
        (4, 0.75): 0.2846153846153846, (4, 1.0): 0.038461538461538464,
        (8, 0.25): 0.9949494949494949, (8, 0.5): 0.6903651903651904,
        (8, 0.75): 0.06596736596736597, (8, 1.0): 7.77000777000777e-05,
    }
    for (k, tau), value in published.items():
        assert g_pass_at_k(16, 8, k, tau) == pytest.approx(value, rel=1e-12)
    assert mg_pass_at_k(16, 8, 4) == pytest.approx(0.16153846153846152, rel=1e-12)
    assert mg_pass_at_k(16, 8, 8) == pytest.approx(0.09518259518259518, rel=1e-12)
    # and by hand: G-Pass@4 at tau = 1 is C(8,4)/C(16,4) = 70/1820 = 1/26
    assert g_pass_at_k_exact(16, 8, 4, 1) == Fraction(1, 26)


def test_k_larger_than_n_is_refused_with_the_way_out():
    with pytest.raises(MetricError, match=r"k=8 needs at least 8 samples per problem; this problem has 4"):
        pass_at_k(4, 2, 8)
    with pytest.raises(MetricError, match="k=5"):
        g_pass_at_k(4, 2, 5, 0.5)
    with pytest.raises(MetricError, match="k=5"):
        maj_at_k([("a", True)] * 4, 5)


@pytest.mark.parametrize("bad", [(4, 5, 1), (4, -1, 1), (4, 2, 0)])
def test_impossible_counts_are_refused(bad):
    with pytest.raises(MetricError):
        pass_at_k(*bad)


def test_tau_outside_the_unit_interval_is_refused():
    with pytest.raises(MetricError, match="tau"):
        g_pass_at_k(4, 2, 2, 1.5)


def test_pass_at_k_is_g_pass_at_tau_zero_and_bounds_it():
    for n in range(1, 9):
        for c in range(n + 1):
            for k in range(1, n + 1):
                assert g_pass_at_k_exact(n, c, k, 0) == pass_at_k_exact(n, c, k)
                assert g_pass_at_k_exact(n, c, k, 1) <= g_pass_at_k_exact(n, c, k, 0.5) <= pass_at_k_exact(n, c, k)


def test_majority_vote_reads_the_first_k_and_breaks_ties_by_first_seen():
    ballots = [("a", False), ("b", True), ("b", True), ("a", False)]
    assert maj_at_k(ballots, 1) == 0.0  # a alone
    assert maj_at_k(ballots, 3) == 1.0  # b twice, a once
    assert maj_at_k(ballots, 4) == 0.0  # 2-2 tie: a was seen first


def test_unanswered_samples_never_win_a_vote():
    assert maj_at_k([(None, None), (None, None), ("x", True)], 3) == 1.0
    assert maj_at_k([(None, None), (None, False)], 2) == 0.0
    assert verifier_vote_at_k([(None, None, 1.0), ("x", True, 0.0)], 2) == 1.0


def test_verifier_vote_weighs_answers_by_pass_rate():
    ballots = [Ballot("a", False, 0.1), Ballot("a", False, 0.1), Ballot("b", True, 0.9)]
    assert maj_at_k(ballots, 3) == 0.0  # a has two votes
    assert verifier_vote_at_k(ballots, 3) == 1.0  # 0.9 > 0.1 + 0.1


def test_verifier_vote_ties_are_exact_then_go_to_more_votes():
    # 0.1 + 0.2 and 0.3 tie exactly (not in binary floating point); b has more votes, so b wins.
    ballots = [("a", False, 0.3), ("b", True, 0.1), ("b", True, 0.2)]
    assert verifier_vote_at_k(ballots, 3) == 1.0
    # an equal weight and equal votes: the answer seen first wins
    assert verifier_vote_at_k([("a", False, 0.5), ("b", True, 0.5)], 2) == 0.0


def test_best_of_k_takes_the_single_sample_with_the_highest_pass_rate():
    ballots = [("a", False, 0.9), ("b", True, 0.5), ("b", True, 0.5)]
    assert verifier_vote_at_k(ballots, 3) == 1.0  # b: 0.5 + 0.5 > 0.9
    assert best_of_k(ballots, 3) == 0.0  # the 0.9 sample is wrong
    assert best_of_k(ballots[1:], 2) == 1.0
    assert best_of_k([(None, None, 1.0), ("x", True, 0.1)], 2) == 1.0  # no answer, never chosen
    assert best_of_k([("x", False, 0.5), ("y", True, 0.5)], 2) == 0.0  # tie: the first sample
    assert best_of_k([(None, None, 1.0)], 1) == 0.0


def test_verifier_vote_without_pass_rates_is_majority_vote():
    ballots = [("a", False, None), ("b", True, None), ("b", True, None), ("a", False, None)]
    for k in range(1, 5):
        assert verifier_vote_at_k(ballots, k) == maj_at_k(ballots, k)


def test_expected_majority_vote_by_hand():
    # a (right) twice, b and c (wrong) once. k = 2: of C(4,2) = 6 pairs, {a,a} wins (1),
    # the four {a,b|c} pairs tie (1/2 each), {b,c} loses: (1 + 4/2)/6 = 1/2.
    # k = 3: {a,a,b}, {a,a,c} win, {a,b,c} twice three-way ties (1/3 each): (2 + 2/3)/4 = 2/3.
    ballots = [("a", True), ("a", True), ("b", False), ("c", False)]
    assert expected_maj_at_k_exact(ballots, 1) == Fraction(1, 2)
    assert expected_maj_at_k_exact(ballots, 2) == Fraction(1, 2)
    assert expected_maj_at_k_exact(ballots, 3) == Fraction(2, 3)
    assert expected_maj_at_k_exact(ballots, 4) == 1
    assert expected_maj_at_k(ballots, 3) == float(Fraction(2, 3))


def _brute_force_expected_maj(ballots: list[tuple], k: int) -> Fraction:
    correct_classes = {}
    for key, correct in ballots:
        if key is not None:
            correct_classes.setdefault(key, correct is True)
    total = Fraction(0)
    for subset in combinations(ballots, k):
        counts: dict[str, int] = {}
        for key, _ in subset:
            if key is not None:
                counts[key] = counts.get(key, 0) + 1
        if counts:
            top = max(counts.values())
            tied = [key for key, count in counts.items() if count == top]
            total += Fraction(sum(correct_classes[key] for key in tied), len(tied))
    return total / comb(len(ballots), k)


ballot_lists = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", None]), st.booleans()), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(ballot_lists, st.data())
def test_expected_majority_vote_equals_enumerating_every_subset(ballots, data):
    # Correctness belongs to the answer class, as a grader would give it.
    rights = {"a": True, "b": False, "c": data.draw(st.booleans())}
    ballots = [(key, rights.get(key)) for key, _ in ballots]
    k = data.draw(st.integers(1, len(ballots)))
    assert expected_maj_at_k_exact(ballots, k) == _brute_force_expected_maj(ballots, k)
