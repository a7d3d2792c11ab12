"""Sampling metrics for one problem: pass@k, G-Pass@k, mG-Pass@k, majority vote, verifier vote, best-of-k.

Every estimator works on integers and `Fraction`s (the `*_exact` functions) so that averages over a
dataset can stay exact; the float functions convert once, at the edge. Conventions follow the
Codex paper (unbiased pass@k) and the official G-Pass@k code (threshold m = max(ceil(tau*k), 1),
k > n is an error). A sample whose correctness is unknown (`None`) counts as wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction
from math import ceil, comb
from numbers import Rational
from typing import NamedTuple


class MetricError(ValueError):
    """A metric was asked for more than the samples can support (k > n, no samples, bad tau)."""


class Ballot(NamedTuple):
    """One sample as a vote: its answer's equivalence class, its grade and its verifier pass rate."""

    answer_key: str | None
    """Equivalence-class key of the extracted answer; `None` (no answer) never wins a vote."""
    correct: bool | None
    """Grade of the answer; `None` (ungraded) counts as wrong."""
    verifier_pass_rate: float | None = None
    """Share of verifier runs that judged the sample correct; `None` weighs nothing."""


def require_samples(k: int, n: int, problem_id: str | None = None) -> None:
    """Raise `MetricError` unless k is a positive integer no larger than the n samples available."""
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise MetricError(f"k must be a positive integer, got {k!r}")
    if k > n:
        where = f"problem {problem_id}" if problem_id is not None else "this problem"
        raise MetricError(f"k={k} needs at least {k} samples per problem; {where} has {n}. "
                          f"Lower k or sample at least {k} times per problem.")


def _check_counts(n: int, c: int, k: int) -> None:
    if not 0 <= c <= n:
        raise MetricError(f"correct count c={c} must lie between 0 and the sample count n={n}")
    require_samples(k, n)


def pass_at_k_exact(n: int, c: int, k: int) -> Fraction:
    """Unbiased pass@k, 1 - C(n-c, k)/C(n, k): the chance that k of the n samples include a correct one."""
    _check_counts(n, c, k)
    return 1 - Fraction(comb(n - c, k), comb(n, k))


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k as a float (see `pass_at_k_exact`)."""
    return float(pass_at_k_exact(n, c, k))


def _as_fraction(tau: float | Fraction) -> Fraction:
    # A float is read as its shortest decimal (0.1 -> 1/10), so ceil(tau*k) does not jump on binary noise.
    value = Fraction(tau) if isinstance(tau, Rational) else Fraction(repr(float(tau)))
    if not 0 <= value <= 1:
        raise MetricError(f"tau must lie between 0 and 1, got {tau!r}")
    return value


def g_pass_threshold(k: int, tau: float | Fraction) -> int:
    """How many of k draws must be correct at threshold tau: max(ceil(tau*k), 1), as in the official code."""
    return max(ceil(_as_fraction(tau) * k), 1)


def _at_least(n: int, c: int, k: int, m: int) -> Fraction:
    """Hypergeometric survival: chance that k draws without replacement hold at least m of the c correct."""
    hits = sum(comb(c, j) * comb(n - c, k - j) for j in range(m, min(c, k) + 1))
    return Fraction(hits, comb(n, k))


def g_pass_at_k_exact(n: int, c: int, k: int, tau: float | Fraction) -> Fraction:
    """G-Pass@k_tau: the chance that at least max(ceil(tau*k), 1) of k drawn samples are correct."""
    _check_counts(n, c, k)
    return _at_least(n, c, k, g_pass_threshold(k, tau))


def g_pass_at_k(n: int, c: int, k: int, tau: float | Fraction) -> float:
    """G-Pass@k_tau as a float (see `g_pass_at_k_exact`)."""
    return float(g_pass_at_k_exact(n, c, k, tau))


def mg_pass_at_k_exact(n: int, c: int, k: int) -> Fraction:
    """mG-Pass@k = (2/k) * sum of G-Pass@k_{i/k} for i = ceil(k/2)+1 .. k (the official Riemann sum).

    As in the official code, k = 1 sums nothing (0) and odd k has total weight (k-1)/k.
    """
    _check_counts(n, c, k)
    total = sum((_at_least(n, c, k, i) for i in range(ceil(k / 2) + 1, k + 1)), Fraction(0))
    return Fraction(2, k) * total


def mg_pass_at_k(n: int, c: int, k: int) -> float:
    """mG-Pass@k as a float (see `mg_pass_at_k_exact`)."""
    return float(mg_pass_at_k_exact(n, c, k))


def _first_k(ballots: Sequence[Ballot | tuple], k: int) -> list[Ballot]:
    require_samples(k, len(ballots))
    return [Ballot(*ballot) for ballot in ballots[:k]]


def _class_correctness(ballots: Sequence[Ballot]) -> dict[str, bool]:
    """Each answer class is as correct as its first sample: the sample a vote would report."""
    correct: dict[str, bool] = {}
    for ballot in ballots:
        if ballot.answer_key is not None and ballot.answer_key not in correct:
            correct[ballot.answer_key] = ballot.correct is True
    return correct


def _rate(ballot: Ballot) -> Fraction:
    # Rates are read as decimals so they add exactly: 0.1 + 0.2 ties with 0.3, as a person expects.
    return Fraction(repr(float(ballot.verifier_pass_rate or 0)))


def _winner(scores: Mapping[str, int | tuple[Fraction, int]]) -> str | None:
    # dicts keep insertion order, so max() keeps the first-seen class among equal scores.
    return max(scores, key=lambda key: scores[key], default=None)


def maj_at_k(ballots: Sequence[Ballot | tuple], k: int) -> float:
    """1.0 if the most frequent answer among the first k samples is correct, else 0.0.

    Ties go to the answer seen first; samples without an answer never win. Ballots may be plain
    `(answer_key, correct)` tuples.
    """
    first = _first_k(ballots, k)
    winner = _winner(Counter(ballot.answer_key for ballot in first if ballot.answer_key is not None))
    return 1.0 if winner is not None and _class_correctness(first)[winner] else 0.0


def verifier_vote_at_k(ballots: Sequence[Ballot | tuple], k: int) -> float:
    """1.0 if, among the first k samples, the answer with the largest summed verifier pass rate is correct.

    This is OPV's verifier voting. Ties go to the answer with more votes, then to the one seen first,
    so with no pass rates at all it is majority voting.
    """
    first = _first_k(ballots, k)
    scores: dict[str, tuple[Fraction, int]] = {}
    for ballot in first:
        if ballot.answer_key is not None:
            weight, votes = scores.get(ballot.answer_key, (Fraction(0), 0))
            scores[ballot.answer_key] = (weight + _rate(ballot), votes + 1)
    winner = _winner(scores)
    return 1.0 if winner is not None and _class_correctness(first)[winner] else 0.0


def best_of_k(ballots: Sequence[Ballot | tuple], k: int) -> float:
    """1.0 if the answered sample with the highest verifier pass rate among the first k is correct (OPV BoN).

    Ties go to the sample seen first; samples without an answer are never chosen.
    """
    answered = [ballot for ballot in _first_k(ballots, k) if ballot.answer_key is not None]
    if not answered:
        return 0.0
    best = max(answered, key=_rate)
    return 1.0 if best.correct is True else 0.0


def expected_maj_at_k_exact(ballots: Sequence[Ballot | tuple], k: int) -> Fraction:
    """maj@k averaged over every k-subset of the samples, ties split evenly between the tied answers.

    The order-free counterpart of `maj_at_k` (which reads the first k samples), as pass@k is of
    'the first k contain a correct one'. Exact, by counting subsets class by class.
    """
    votes = [Ballot(*ballot) for ballot in ballots]
    require_samples(k, len(votes))
    sizes: dict[str, int] = {}
    for ballot in votes:
        if ballot.answer_key is not None:
            sizes[ballot.answer_key] = sizes.get(ballot.answer_key, 0) + 1
    unanswered = len(votes) - sum(sizes.values())
    wins = Fraction(0)
    for key, is_correct in _class_correctness(votes).items():
        if is_correct:
            others = [size for other, size in sizes.items() if other != key]
            wins += _subsets_won(sizes[key], others, unanswered, k)
    return wins / comb(len(votes), k)


def _subsets_won(size: int, others: list[int], unanswered: int, k: int) -> Fraction:
    """Number of k-subsets a class of `size` samples wins, a tie among t+1 classes counting 1/(t+1)."""
    won_with_ties = [0] * (len(others) + 1)  # integer counts; one division per tie size at the end
    for drawn in range(1, min(size, k) + 1):
        rest = k - drawn
        if sum(min(other, drawn) for other in others) + unanswered < rest:
            continue  # the other classes cannot fill the subset without outvoting this one
        # ways[j][t]: ways to draw j samples from the other classes, none above `drawn`, t of them tied.
        ways = [[0] * (len(others) + 1) for _ in range(rest + 1)]
        ways[0][0] = 1
        for other in others:
            ways = _add_class(ways, other, drawn)
        chosen = comb(size, drawn)
        for j, by_ties in enumerate(ways):
            free = chosen * comb(unanswered, rest - j)
            if free:
                for ties, count in enumerate(by_ties):
                    won_with_ties[ties] += count * free
    return sum((Fraction(count, ties + 1) for ties, count in enumerate(won_with_ties) if count), Fraction(0))


def _add_class(ways: list[list[int]], size: int, cap: int) -> list[list[int]]:
    """Extend the subset count with one more class, drawing at most `cap` of its `size` samples."""
    rest = len(ways) - 1
    grown = [[0] * len(ways[0]) for _ in ways]
    choices = [comb(size, x) for x in range(min(size, cap) + 1)]
    for j, by_ties in enumerate(ways):
        for ties, count in enumerate(by_ties):
            if count:
                for x in range(min(len(choices) - 1, rest - j) + 1):
                    grown[j + x][ties + (x == cap)] += count * choices[x]
    return grown


def expected_maj_at_k(ballots: Sequence[Ballot | tuple], k: int) -> float:
    """Expected maj@k over random k-subsets as a float (see `expected_maj_at_k_exact`)."""
    return float(expected_maj_at_k_exact(ballots, k))
