"""verl reward: `compute_score` for `custom_reward_function.path=<this file>`, `.name=compute_score`.

Also importable as `lemmata.verl_reward.compute_score`. Rows come from `lemmata export --format verl`.
"""

from __future__ import annotations

from typing import Any

from lemmata.answer_reward import UngradableRow, answer_score, gradable


def compute_score(data_source: str, solution_str: str, ground_truth: str | None,
                  extra_info: dict[str, Any] | None = None, **kwargs: Any) -> float:
    """1.0 when the response's answer (before its lemma section) matches `ground_truth`, else 0.0.

    Raises UngradableRow for rows without a gradable gold answer (summarizer rows, proof problems),
    so that a misconfigured run stops instead of training on zeros.
    """
    kind = (extra_info or {}).get("problem_kind")
    problem = gradable(data_source, ground_truth, kind)
    if problem is not None:
        raise UngradableRow(problem)
    return answer_score(solution_str, str(ground_truth))
