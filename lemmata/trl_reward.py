"""TRL reward: `answer_reward(completions, solution, **kwargs)` for `GRPOTrainer(reward_funcs=[...])`.

Rows come from `lemmata export --format trl`; TRL passes the `solution`, `data_source` and
`problem_kind` columns as keyword arguments. A row that cannot be graded gets None, which TRL
reads as "this reward does not apply" (another reward function may score it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lemmata.answer_reward import answer_score, gradable


def answer_reward(completions: Sequence[Any], solution: Sequence[str | None], **kwargs: Any) -> list[float | None]:
    """1.0 per completion whose answer (before its lemma section) matches its row's solution, else 0.0."""
    sources = kwargs.get("data_source") or [None] * len(completions)
    kinds = kwargs.get("problem_kind") or [None] * len(completions)
    scores: list[float | None] = []
    for completion, gold, source, kind in zip(completions, solution, sources, kinds, strict=True):
        if gradable(source, gold, kind) is not None:
            scores.append(None)
            continue
        scores.append(answer_score(_text(completion), str(gold)))
    return scores


def _text(completion: Any) -> str:
    """A standard completion is a string; a conversational one is a list of messages."""
    if isinstance(completion, str):
        return completion
    return "".join(str(message.get("content") or "") for message in completion if isinstance(message, dict))
