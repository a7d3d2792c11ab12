"""OREAL-H rewards as pure functions: the conjugate reward, lemma-value backup, round advantages.

See docs/export.md for the choices made where the paper is vague.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import comb


def beta_dominance(a: int, b: int, c: int, d: int) -> Fraction:
    """P(X > Y) exactly, for independent X ~ Beta(a, b) and Y ~ Beta(c, d) with positive integer parameters.

    With integer parameters Y's CDF is a binomial tail, P(Y < x) = Σ_{j=c}^{m} C(m, j) x^j (1-x)^(m-j)
    with m = c + d - 1, so P(X > Y) = E_X[P(Y < X)] is a finite sum of Beta-function ratios.
    """
    if min(a, b, c, d) < 1:
        raise ValueError(f"Beta parameters must be positive integers, got ({a}, {b}) and ({c}, {d})")
    m = c + d - 1
    return sum((comb(m, j) * _beta_ratio(a, b, j, m - j) for j in range(c, m + 1)), Fraction(0))


def _beta_ratio(a: int, b: int, up: int, down: int) -> Fraction:
    """E[X^up (1-X)^down] for X ~ Beta(a, b), i.e. B(a+up, b+down) / B(a, b), as a product of ratios."""
    ratio = Fraction(1)
    for i in range(up):
        ratio *= Fraction(a + i, a + b + i)
    for i in range(down):
        ratio *= Fraction(b + i, a + b + up + i)
    return ratio


def conjugate_probability(k: int, n: int) -> Fraction:
    """Eq. 8: P(p1 > p0), p1 ~ Beta(k+1, n-k+1) after k passes of n, p0 ~ Beta(1, n+1) failing all n."""
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    return beta_dominance(k + 1, n - k + 1, 1, n + 1)


def conjugate_reward(k: int, n: int) -> float:
    """R(k, n) = max(0, 2·P(p1 > p0) − 1), in [0, 1).

    Read literally, Eq. 8 gives R(0, n) = 0.5: a posterior is as likely above as below itself. The
    clamp rescales so that "fails every vote" earns 0 and only evidence above that baseline counts.
    With no votes (n = 0) there is no evidence: 0.
    """
    if n == 0:
        return 0.0
    return float(max(Fraction(0), 2 * conjugate_probability(k, n) - 1))


def proof_reward(score: int, max_score: int = 7) -> float:
    """The outcome reward of a graded proof: its grade normalised to [0, 1] (score / 7)."""
    if not 0 <= score <= max_score:
        raise ValueError(f"a proof grade must lie between 0 and {max_score}, got {score}")
    return score / max_score


# Value backup over the lemma graph ----------------------------------------------------


def backup_values(
    nodes: Iterable[Hashable],
    successors: Mapping[Hashable, Sequence[Hashable]],
    terminal_rewards: Mapping[Hashable, float],
) -> dict[Hashable, float]:
    """Eq. 5: v(l) = mean of v(l') over l's successors, backed up from terminal nodes.

    A terminal node's value is its reward (and it has no successors). A non-terminal node with no
    successor contributed to no conclusion: value 0. An edge that closes a cycle (possible once
    shots are aggregated) is ignored, so the recursion is well founded; nodes are visited in the
    order given, which makes the choice of ignored edge deterministic.
    """
    values: dict[Hashable, float] = dict(terminal_rewards)
    for start in nodes:
        if start in values:
            continue
        stack, on_path = [(start, iter(successors.get(start, ())))], {start}
        while stack:
            node, pending = stack[-1]
            child = next((c for c in pending if c not in on_path and c not in values), None)
            if child is not None:
                stack.append((child, iter(successors.get(child, ()))))
                on_path.add(child)
                continue
            reached = [values[c] for c in successors.get(node, ()) if c in values]
            values[node] = sum(reached) / len(reached) if reached else 0.0
            on_path.discard(node)
            stack.pop()
    return values


# Round advantages -------------------------------------------------------------------


@dataclass(frozen=True)
class RoundStep:
    """One round of one trajectory, as the advantage needs it."""

    added: frozenset[Hashable]
    """Lemmas that entered the trajectory's library in this round (C_t = 1 when not empty)."""
    reward: float = 0.0
    """The immediate reward r_t."""


@dataclass(frozen=True)
class RoundAdvantage:
    value_before: float
    """V(s_t) = max v(l) over the library before the round (0 when empty)."""
    value_after: float
    """max v(l') over the library after the round."""
    advantage: float
    """r_t + γ·value_after − value_before; 0 when the round added no lemma."""


def round_advantages(
    steps: Sequence[RoundStep],
    values: Mapping[Hashable, float],
    *,
    initial: Iterable[Hashable] = (),
    gamma: float = 1.0,
) -> list[RoundAdvantage]:
    """Eq. 6 for each round of one trajectory; `initial` is the library before round 1 (e.g. imports)."""
    library = set(initial)
    result = []
    for step in steps:
        before = _best(library, values)
        library |= step.added
        after = _best(library, values)
        advantage = step.reward + gamma * after - before if step.added else 0.0
        result.append(RoundAdvantage(before, after, advantage))
    return result


def _best(library: set[Hashable], values: Mapping[Hashable, float]) -> float:
    return max((values.get(lemma, 0.0) for lemma in library), default=0.0)


def successors_from_edges(edges: Iterable[tuple[Hashable, Hashable]]) -> dict[Hashable, list[Hashable]]:
    """(source, target) pairs → source: [targets], targets in first-seen order without repeats."""
    successors: dict[Hashable, list[Hashable]] = defaultdict(list)
    for source, target in edges:
        if target not in successors[source]:
            successors[source].append(target)
    return dict(successors)
