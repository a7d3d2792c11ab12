"""OpenRLHF reward: `reward_func(queries, prompts, labels)` for `--reward.remote_url <this file>`
(`--remote_rm_url` in older releases).

Rows come from `lemmata export --format openrlhf` with `--data.label_key label`. OpenRLHF passes
each query as prompt + response text; the response is what follows the prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lemmata.answer_reward import UngradableRow, answer_score, gradable

PROMPT_ANCHOR_CHARS = 200
"""When a decoded query does not start with its prompt verbatim, the response starts after the
last occurrence of the prompt's final characters."""


def reward_func(queries: Sequence[str], prompts: Sequence[str], labels: Sequence[str | None],
                **kwargs: Any) -> dict[str, Any]:
    """Per query 1.0 when the response's answer (before its lemma section) matches its label, else 0.0.

    Returns OpenRLHF's reward dict (`rewards`, `scores`, `extra_logs`). Raises UngradableRow for
    a row without a label (summarizer rows, proof problems): export those without the answer reward.
    """
    import torch  # OpenRLHF's own dependency; imported here so the module loads without it

    scores = []
    for query, prompt, label in zip(queries, prompts, labels, strict=True):
        problem = gradable(None, label)
        if problem is not None:
            raise UngradableRow(problem)
        scores.append(answer_score(response_of(query, prompt), str(label)))
    rewards = torch.tensor(scores, dtype=torch.float32)
    return {"rewards": rewards, "scores": rewards.clone(), "extra_logs": {"answer_correct": rewards.clone()}}


def response_of(query: str, prompt: str) -> str:
    """The response part of an OpenRLHF query (prompt + response)."""
    if query.startswith(prompt):
        return query[len(prompt):]
    anchor = prompt[-PROMPT_ANCHOR_CHARS:]
    position = query.rfind(anchor) if anchor else -1
    return query[position + len(anchor):] if position >= 0 else query
