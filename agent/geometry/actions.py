"""The geometry agent's action language: exactly one <build>, <add> or <propose> per turn,
checked before it runs (well-formed, not a repeat, not one kind too many times in a row)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import StrEnum

from lemmata.agent.loop.role_outputs import OutputParseError

ACTION_TAG = re.compile(r"<(build|add|propose)>(.*?)</\1>", re.S | re.I)
"""The action grammar; `_action_tags` finds its matches without the regex's quadratic backtracking."""
OPEN_TAG = re.compile(r"<(build|add|propose)>", re.I)
CLOSE_TAG = re.compile(r"</(build|add|propose)>", re.I)
MAX_ACTION_CHARS = 4000


class ActionKind(StrEnum):
    BUILD = "build"
    ADD = "add"
    PROPOSE = "propose"


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    text: str
    thought: str
    """What the model wrote before its action."""

    @property
    def key(self) -> str:
        """Normalised form, for recognising a repeated action."""
        return f"{self.kind.value}:{' '.join(self.text.lower().split())}"


def parse_action(completion: str) -> Action:
    found = _action_tags(completion)
    if len(found) != 1:
        raise OutputParseError(f"expected exactly one <build>, <add> or <propose> action, found {len(found)}")
    start, kind, text = found[0]
    text = " ".join(text.split())
    if not text:
        raise OutputParseError(f"the <{kind}> action is empty")
    if len(text) > MAX_ACTION_CHARS:
        raise OutputParseError(f"the <{kind}> action is longer than {MAX_ACTION_CHARS} characters")
    thought = completion[:start].strip()
    return Action(ActionKind(kind.lower()), text, thought[-4000:])


def _action_tags(completion: str) -> list[tuple[int, str, str]]:
    """(start, kind, body) of each `ACTION_TAG.findall` match, in linear time: a reply of
    thousands of unclosed `<build>` tags made the lazy regex rescan the rest of the text
    from every one of them (100 KB took 30 s)."""
    closes: dict[str, list[tuple[int, int]]] = {}
    for match in CLOSE_TAG.finditer(completion):
        closes.setdefault(match.group(1).lower(), []).append((match.start(), match.end()))
    found, cursor = [], 0
    for match in OPEN_TAG.finditer(completion):
        if match.start() < cursor:
            continue
        candidates = closes.get(match.group(1).lower(), [])
        index = bisect.bisect_left(candidates, (match.end(), -1))
        if index == len(candidates):
            continue
        close_start, close_end = candidates[index]
        found.append((match.start(), match.group(1), completion[match.end():close_start]))
        cursor = close_end
    return found


def check_action(action: Action, earlier: list[Action], *, built: bool, max_same_kind_run: int) -> None:
    """PassCheck: raise OutputParseError (so the turn is drawn again) when the action may not run."""
    if not built and action.kind != ActionKind.BUILD:
        raise OutputParseError("the problem is not built yet: the first action must be <build>")
    if built and action.kind == ActionKind.BUILD:
        raise OutputParseError("the problem is already built; use <add> or <propose>")
    if any(action.key == other.key for other in earlier):
        raise OutputParseError(f"repeats an earlier action: <{action.kind}>{action.text}</{action.kind}>")
    run = 0
    for other in reversed(earlier):
        if other.kind != action.kind:
            break
        run += 1
    if run >= max_same_kind_run:
        raise OutputParseError(f"{run} <{action.kind}> actions in a row; try another kind of action")
