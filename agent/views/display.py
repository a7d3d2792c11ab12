"""Terminal views of the lemma loop; they subscribe to loop events, the loop never imports rich."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lemmata.agent.loop.events import LoopEvent
from lemmata.agent.loop.roles import Role
from lemmata.agent.views.tex import readable
from lemmata.memory.statuses import ShotStatus
from lemmata.memory.terminal_text import plain

TAIL_CHARS = 400
PARALLEL_ROLES = frozenset({Role.VERIFIER.value})
"""Roles whose calls run several at a time (the votes); their text is not streamed."""
STATEMENT_CHARS = 90


@dataclass
class ShotLine:
    round: int = 0
    role: str = "starting"
    tail: list[str] = field(default_factory=list)
    thinking_chars: int = 0
    status: str = ShotStatus.RUNNING


@dataclass
class LoopView:
    """The problem, each shot's round and role at work (answer streaming, thinking folded), and
    the lemma library with confidences."""

    problem: str
    rounds: int
    shots: dict[int, ShotLine] = field(default_factory=dict)
    lemmas: dict[tuple[int, int], dict] = field(default_factory=dict)
    streamed_chars: int = 0
    library: Callable[[], RenderableType] | None = None
    """Pulled at each refresh in place of the table built from events (interactive sessions)."""

    def on_event(self, event: LoopEvent) -> None:
        line = self.shots.setdefault(event.shot, ShotLine())
        if event.round:
            line.round = event.round
        if event.kind == "role_started":
            line.role, line.tail, line.thinking_chars = event.role, [], 0
        elif event.kind == "lemma_added":
            self.lemmas[(event.shot, event.detail["id"])] = {**event.detail, "confidence": None}
        elif event.kind == "lemma_verified":
            self.lemmas.setdefault((event.shot, event.detail["id"]), dict(event.detail))["confidence"] = event.detail["confidence"]
        elif event.kind == "final_verdict":
            line.role = f"final check {event.detail['passes']}/{event.detail['votes']}"
        elif event.kind == "shot_finished":
            line.status, line.role = event.detail["status"], "done"

    def on_tokens(self, shot: int, role: str, text: str, thinking: str) -> None:
        self.streamed_chars += len(text) + len(thinking)
        if role in PARALLEL_ROLES:  # several votes stream at once: interleaved, they read as noise
            return
        line = self.shots.setdefault(shot, ShotLine())
        line.tail.append(text)
        line.thinking_chars += len(thinking)

    def __rich__(self) -> RenderableType:
        parts: list[RenderableType] = [plain(readable(self.problem)[:300], style="bold")]
        for shot, line in sorted(self.shots.items()):
            head = Text.assemble((f"shot {shot}", "bold cyan"), f"  round {line.round}/{self.rounds}  ",
                                 (line.role, "yellow"), f"  [{line.status}]  ",
                                 (f"thinking {line.thinking_chars} chars (folded)", "dim"))
            parts.append(head)
            tail = "".join(line.tail)[-TAIL_CHARS:]
            if tail:
                parts.append(plain(tail, style="dim"))
        parts.append(self.library() if self.library is not None else self._library())
        parts.append(Text(f"streamed {self.streamed_chars} chars", style="dim"))
        return Panel(Group(*parts), title="Lemmata", border_style="cyan")

    def _library(self) -> Table:
        table = Table(title="lemma library", expand=True)
        table.add_column("shot", width=4)
        table.add_column("#", width=6)
        table.add_column("statement")
        table.add_column("confidence", width=10)
        for (shot, _), lemma in list(self.lemmas.items())[-12:]:
            confidence = lemma.get("confidence")
            shown = "…" if confidence is None else f"{confidence:.2f}"
            style = "green" if confidence is not None and confidence >= 0.75 else "red" if confidence is not None else ""
            table.add_row(str(shot), plain(lemma.get("number", "")),
                          plain(readable(lemma.get("statement", ""))[:STATEMENT_CHARS]), Text(shown, style=style))
        return table


if __name__ == "__main__":
    from rich.console import Console

    view = LoopView("Prove that $n^2 \\equiv 0, 1 \\pmod 4$ for every integer $n$.", rounds=8)
    view.on_event(LoopEvent("role_started", "p", 0, 1, "reasoner"))
    view.on_tokens(0, "reasoner", "If n is even then ", "try parity")
    view.on_event(LoopEvent("lemma_added", "p", 0, 1, detail={"id": 1, "number": "1", "statement": "$n^2 = 4k^2$ for even $n$"}))
    view.on_event(LoopEvent("lemma_verified", "p", 0, 1, detail={"id": 1, "number": "1", "confidence": 0.75}))
    Console(width=90).print(view)
