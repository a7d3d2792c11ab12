"""Events the loop emits as it works; displays and counters subscribe, the loop never imports rich."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal[
    "shot_started", "round_started", "role_started", "lemma_added", "lemma_verified",
    "round_finished", "final_verdict", "revised", "shot_finished", "parse_failure", "selected",
]


@dataclass(frozen=True)
class LoopEvent:
    kind: EventKind
    problem_id: str
    shot: int
    round: int = 0
    role: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


EventSink = Callable[[LoopEvent], None]
TokenSink = Callable[[int, str, str, str], None]
"""Called with (shot, role, text delta, reasoning delta) while a call streams."""


def ignore_event(event: LoopEvent) -> None:
    pass
