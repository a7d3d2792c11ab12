"""Lemmata: a long-horizon math agent, installed as one import name.

The rooms: `lemmata.agent` (the loop, sessions, evaluation, geometry agent, views, CLI),
`lemmata.engines` (llm, answers, geometry), `lemmata.memory` (the SQLite run store and lemma
library), `lemmata.prompts`. The reward functions for RL trainers sit here too:
`lemmata.verl_reward.compute_score`, `lemmata.openrlhf_reward.reward_func`,
`lemmata.trl_reward.answer_reward` (absolute imports only, so a trainer may load them by path).

A small public API, imported on first use so that `lemmata check` starts fast:

    from lemmata import grade
    grade("\\frac{14}{3}", "The answer is $14/3$.").verdict
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "grade": "lemmata.engines.answers",
    "agrade": "lemmata.engines.answers",
    "Verdict": "lemmata.engines.answers",
    "load_config": "lemmata.agent.config",
    "solve_problem": "lemmata.agent.loop.solve",
    "Problem": "lemmata.agent.problems",
    "RunStore": "lemmata.memory.store",
    "LemmaLibrary": "lemmata.memory.lemmas",
    "GeometrySession": "lemmata.engines.geometry",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'lemmata' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
