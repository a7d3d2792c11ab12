"""The one place a prompt may read a problem's gold: nowhere, unless the run opted in.

`batch` and `solve` score what the models write against the gold answer, and the process
verifier's votes choose the shot and weigh the RL rewards; a model shown the gold would be scored
on its own input. So every role's prompt is built from the problem text alone, and only a run
started with `--reference-visible` (`LoopSettings.reference_visible`, recorded in the run's config
as ["loop"]["reference_visible"]) shows the process verifier a reference section. A new gold field
of `Problem` (a reference solution, grading guidelines) is rendered here and nowhere else.
"""

from __future__ import annotations

import json
from typing import Any

from lemmata.agent.errors import ProblemInputError
from lemmata.agent.problems import Problem

FLAG = "--reference-visible"


def reference_section(problem: Problem, visible: bool) -> str:
    """The process verifier's reference section; empty (no heading either) unless `visible`."""
    if not visible or problem.answer is None:
        return ""
    return (f"\n### Reference answer ###\n{problem.answer}\n"
            "(Other valid methods and equivalent forms of this answer are accepted.)\n")


def recorded_choice(config: dict[str, Any]) -> bool | None:
    """`reference_visible` of a run's stored config; None for a run recorded before the setting."""
    value = (config.get("loop") or {}).get("reference_visible")
    return None if value is None else bool(value)


def describe(choice: bool | None) -> str:
    """The choice as report and show headers print it."""
    if choice is None:
        return "reference: not recorded (before this setting, the process verifier was shown the gold answer)"
    if choice:
        return f"reference: VISIBLE to the process verifier ({FLAG}); scores are not blind"
    return "reference: hidden from every model"


def keep_recorded_choice(stored_config: str | None, asked: bool | None) -> bool:
    """The choice a resumed run keeps: the one it started with. Asking for the other is an error,
    since half a run's calls would have seen the gold and half not."""
    recorded = bool(recorded_choice(json.loads(stored_config or "{}")))
    if asked is not None and asked != recorded:
        started = "with" if recorded else "without"
        raise ProblemInputError(f"the run was started {started} {FLAG}; a resumed run keeps that choice "
                                f"(drop the flag, or start a new run)")
    return recorded
