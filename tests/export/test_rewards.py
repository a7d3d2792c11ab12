"""The conjugate reward against hand-computed values; value backup and advantages on a hand-built graph."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from lemmata.memory.rewards import (
    RoundStep,
    backup_values,
    beta_dominance,
    conjugate_probability,
    conjugate_reward,
    round_advantages,
    successors_from_edges,
)

CASES = json.loads((Path(__file__).with_name("reward_cases.json")).read_text())["conjugate"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"R({c['k']},{c['n']})")
def test_the_conjugate_reward_matches_the_hand_computed_value(case):
    assert conjugate_probability(case["k"], case["n"]) == Fraction(case["probability"])
    assert conjugate_reward(case["k"], case["n"]) == pytest.approx(float(Fraction(case["reward"])), abs=1e-12)
    assert round(conjugate_reward(case["k"], case["n"]), 4) == case["rounded"]


@pytest.mark.parametrize("n", [1, 2, 4, 8, 16])
def test_failing_every_vote_earns_nothing_and_more_passes_earn_more(n):
    rewards = [conjugate_reward(k, n) for k in range(n + 1)]
    assert rewards[0] == 0.0
    assert all(low < high for low, high in zip(rewards, rewards[1:]))
    assert all(0.0 <= r < 1.0 for r in rewards)


def test_no_votes_is_no_evidence():
    assert conjugate_reward(0, 0) == 0.0


def test_beta_dominance_is_a_probability_split_between_the_two_orders():
    for a, b, c, d in [(1, 1, 1, 1), (3, 2, 2, 4), (5, 1, 1, 5), (2, 7, 4, 3)]:
        assert beta_dominance(a, b, c, d) + beta_dominance(c, d, a, b) == 1
    assert beta_dominance(1, 1, 1, 1) == Fraction(1, 2)


@pytest.mark.parametrize("k, n", [(-1, 4), (5, 4)])
def test_impossible_vote_counts_are_refused(k, n):
    with pytest.raises(ValueError, match="0 <= k <= n"):
        conjugate_reward(k, n)


# A -> B -> D and A -> C (edges run from a lemma to the lemmas derived from it); the three
# trajectories conclude from D (reward 1), from C (reward 0) and from B (reward 0.5). E is a dead end.
EDGES = [("A", "B"), ("A", "C"), ("B", "D"), ("B", "E")]
TERMINALS = {"T1": 1.0, "T2": 0.0, "T3": 0.5}
CONCLUSIONS = [("D", "T1"), ("C", "T2"), ("B", "T3")]


def graph_values() -> dict:
    successors = successors_from_edges(EDGES + CONCLUSIONS)
    return backup_values(["A", "B", "C", "D", "E"], successors, TERMINALS)


def test_values_are_backed_up_as_the_mean_over_successors():
    values = graph_values()
    # D = 1; E = 0 (no conclusion); C = 0; B = mean(D, E, T3) = 0.5; A = mean(B, C) = 0.25
    assert values["D"] == 1.0 and values["E"] == 0.0 and values["C"] == 0.0
    assert values["B"] == pytest.approx(0.5)
    assert values["A"] == pytest.approx(0.25)


def test_an_edge_closing_a_cycle_is_ignored():
    successors = successors_from_edges([("X", "Y"), ("Y", "X"), ("Y", "T")])
    values = backup_values(["X", "Y"], successors, {"T": 1.0})
    assert values == {"T": 1.0, "Y": 1.0, "X": 1.0}


def test_the_advantage_is_the_change_in_the_best_value_and_zero_without_a_new_lemma():
    values = graph_values()
    steps = [RoundStep(frozenset({"A"}), 0.1), RoundStep(frozenset(), 0.3),
             RoundStep(frozenset({"B", "C"}), 0.05), RoundStep(frozenset({"E"}), 0.0), RoundStep(frozenset({"D"}))]
    credits = round_advantages(steps, values)
    # Round 4 adds E, worth nothing: C_t = 1 but the best value does not move.
    assert [c.advantage for c in credits] == pytest.approx([0.1 + 0.25, 0.0, 0.05 + 0.5 - 0.25, 0.0, 1.0 - 0.5])
    assert [c.value_before for c in credits] == pytest.approx([0, 0.25, 0.25, 0.5, 0.5])
    assert [c.value_after for c in credits] == pytest.approx([0.25, 0.25, 0.5, 0.5, 1.0])


def test_the_discount_scales_the_value_after_the_round():
    credits = round_advantages([RoundStep(frozenset({"A"}), 0.1), RoundStep(frozenset({"D"}))],
                               graph_values(), gamma=0.5)
    assert [c.advantage for c in credits] == pytest.approx([0.1 + 0.5 * 0.25, 0.5 * 1.0 - 0.25])


def test_lemmas_held_before_the_first_round_set_the_starting_value():
    [credit] = round_advantages([RoundStep(frozenset({"B"}))], graph_values(), initial={"D"})
    assert credit.value_before == 1.0 and credit.advantage == 0.0
