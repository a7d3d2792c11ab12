"""Selection across shots: how often each rule picks the best of K candidates, and its calls.

K candidates get known qualities q ~ U(0, 1); the best is the one of highest q. Each simulated
model role is wrong with probability p (the "noise"):
- process verifier: an honest vote passes a candidate with probability q; a wrong vote is flipped.
  `verifier` selects by pass rate over the loop's final votes (already paid by the loop).
- answers (`vote`): a candidate's boxed answer is the right one with probability q, else one of
  three distractors; majority voting by answer, each shot weighted by its pass rate.
- grader: each of G graders gives round(7q) on the 0-7 scale, or a uniform random score when
  wrong; the ensemble median is the grade. Costs G calls per candidate.
- judge (`tournament`): names the higher-quality candidate, or the other one when wrong; a pair
  closer than 0.02 is a tie and 2% of judgements are unreadable (both fall back to the pass rate).
  Costs K - 1 calls.
The noise is simulated in-process and fed through the product's own selection functions
(lemmata.agent.loop.selection: select_by_tournament, select_by_grade, select_by_verifier_vote,
select_best_verified); no HTTP. The HTTP path of each rule is covered by tests/agent/test_selection.py.

Run: python -m bench.selection_bench [--trials 2000] [--k 8] [--votes 4] [--graders 3] [--seed 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
from dataclasses import dataclass

from lemmata.agent.loop.selection import (
    Candidate,
    Judgement,
    Outcome,
    select_best_verified,
    select_by_grade,
    select_by_tournament,
    select_by_verifier_vote,
)

TIE_GAP = 0.02
UNREADABLE = 0.02
RULES = ("tournament", "grader", "verifier", "vote")


@dataclass
class Tally:
    best: int = 0
    regret: float = 0.0
    calls: int = 0


async def trial(rng: random.Random, k: int, noise: float, votes: int, graders: int) -> dict[str, tuple[int, int]]:
    """One draw of K candidates: each rule's chosen shot and the extra calls it made."""
    quality = [rng.random() for _ in range(k)]
    wrong = lambda: rng.random() < noise  # noqa: E731

    def vote(q: float) -> bool:
        honest = rng.random() < q
        return not honest if wrong() else honest

    answers = ["right" if rng.random() < q else rng.choice(["w1", "w2", "w3"]) for q in quality]
    candidates = [Candidate(shot, answers[shot], sum(vote(q) for _ in range(votes)) / votes)
                  for shot, q in enumerate(quality)]
    calls = {"tournament": 0, "grader": 0}

    async def judge(first: Candidate, second: Candidate) -> Judgement:
        calls["tournament"] += 1
        if rng.random() < UNREADABLE:
            return Judgement(Outcome.UNPARSED, "simulated unreadable answer")
        a, b = quality[first.shot], quality[second.shot]
        if abs(a - b) < TIE_GAP:
            return Judgement(Outcome.TIE, "simulated tie")
        better = Outcome.FIRST if a > b else Outcome.SECOND
        worse = Outcome.SECOND if better is Outcome.FIRST else Outcome.FIRST
        return Judgement(worse if wrong() else better, "simulated")

    async def grade(candidate: Candidate) -> float:
        calls["grader"] += graders
        scores = sorted(rng.randint(0, 7) if wrong() else round(7 * quality[candidate.shot]) for _ in range(graders))
        return scores[(graders - 1) // 2]

    async def same(x: str, y: str) -> bool:
        return x == y

    chosen = {
        "tournament": (await select_by_tournament(candidates, judge))[0].shot,
        "grader": (await select_by_grade(candidates, grade))[0].shot,
        "verifier": select_best_verified(candidates).shot,
        "vote": (await select_by_verifier_vote(candidates, same)).shot,
    }
    return {rule: (shot, calls.get(rule, 0)) for rule, shot in chosen.items()} | {"_quality": quality}


def run(trials: int, k: int, noises: list[float], votes: int, graders: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lines = [f"K = {k} candidates, q ~ U(0,1); {trials} trials per noise level; verifier votes per candidate = {votes}; "
             f"graders per candidate = {graders}; seed {seed}.",
             "Simulated in-process through lemmata.agent.loop.selection's functions (no HTTP per trial).", "",
             "| rule | noise p | P(picks best) | mean regret (q_best - q_chosen) | extra calls per problem |",
             "|---|---|---|---|---|"]
    for noise in noises:
        tallies = {rule: Tally() for rule in RULES}
        for _ in range(trials):
            result = asyncio.run(trial(rng, k, noise, votes, graders))
            quality = result.pop("_quality")
            best = max(range(k), key=quality.__getitem__)
            for rule, (shot, calls) in result.items():
                tallies[rule].best += shot == best
                tallies[rule].regret += quality[best] - quality[shot]
                tallies[rule].calls += calls
        for rule in RULES:
            tally = tallies[rule]
            extra = {"verifier": f"0 (uses the loop's {k}x{votes} final votes)",
                     "vote": "0 (answer grouping; uses the pass rates)"}.get(rule, f"{tally.calls / trials:g}")
            lines.append(f"| {rule} | {noise:.1f} | {tally.best / trials:.3f} | {tally.regret / trials:.3f} | {extra} |")
    lines.append(f"\nA random pick finds the best with probability {1 / k:.3f}.")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--votes", type=int, default=4)
    parser.add_argument("--graders", type=int, default=3)
    parser.add_argument("--noise", type=float, nargs="+", default=[0.0, 0.1, 0.2, 0.3])
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    if min(args.trials, args.k, args.votes, args.graders) < 1:
        parser.error("--trials, --k, --votes and --graders must be positive")
    print("\n".join(run(args.trials, args.k, args.noise, args.votes, args.graders, args.seed)))


if __name__ == "__main__":
    main()
