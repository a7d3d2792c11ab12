"""Hand-made batch runs whose metrics are worked out by hand in the tests."""

from __future__ import annotations

from lemmata.agent.evaluation.report import RunData, SampleOutcome

RIGHT, WRONG = "42", "41"


def outcome(problem_id: str, sample: int, key: str | None, correct: bool | None, *,
            rate: float | None = None, status: str = "done", tokens: dict[str, int] | None = None,
            wall_s: float = 1.5, answer: str | None = None) -> SampleOutcome:
    """One sample; the written answer defaults to a LaTeX spelling of its class key."""
    if answer is None and key is not None:
        answer = rf"\frac{{{2 * int(key)}}}{{2}}" if key.isdigit() else key
    return SampleOutcome(problem_id=problem_id, sample=sample, answer=answer, answer_key=key, correct=correct,
                         verifier_pass_rate=rate, tokens_by_role=tokens or {}, wall_s=wall_s, status=status)


def ten_by_four(run_id: str = "run-a", correct: list[int] | None = None, with_rates: bool = True) -> RunData:
    """10 problems p0..p9 x 4 samples; problem i has c = i mod 5 right answers (or `correct[i]`).

    p0..p4 put their right samples first, p5..p9 last (this matters to the first-k verifier vote).
    Right answers have verifier pass rate 0.8, wrong ones 0.2. Sample j of problem i spends
    100(i+1) reasoner and 10 verifier tokens and 1.5 s. p5's last sample failed: no answer, status error.
    """
    counts = correct if correct is not None else [i % 5 for i in range(10)]
    samples = []
    for i, c in enumerate(counts):
        rights = [True] * c + [False] * (4 - c)
        if i >= 5:
            rights.reverse()
        for j, right in enumerate(rights):
            key = RIGHT if right else WRONG
            status = "done"
            if i == 5 and j == 3 and not right:
                key, right, status = None, None, "error"
            samples.append(outcome(
                f"p{i}", j, key, right, rate=(0.8 if right else 0.2) if with_rates else None, status=status,
                tokens={"reasoner": 100 * (i + 1), "verifier": 10}))
    return RunData(run_id=run_id, dataset="hand-made", created_at="2026-11-22T05:00:00Z", model="scripted",
                   samples=samples)
