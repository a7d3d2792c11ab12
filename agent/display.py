"""Terminal views of a streaming call; the solve code never imports rich, it feeds these."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

TAIL_CHARS = 600


@dataclass
class StreamView:
    """The role at work, how much it has written, and the tail of its answer (thinking folded)."""

    role: str
    answer: list[str] = field(default_factory=list)
    thinking_chars: int = 0
    deltas: int = 0

    def on_token(self, index: int, text: str, reasoning: str) -> None:
        if index == 0:
            self.answer.append(text)
            self.thinking_chars += len(reasoning)
            self.deltas += 1

    def __rich__(self) -> RenderableType:
        tail = "".join(self.answer)[-TAIL_CHARS:]
        status = Text.assemble(
            (f"{self.role}", "bold cyan"), f"  {self.deltas} deltas  ",
            (f"thinking: {self.thinking_chars} chars (folded)", "dim"),
        )
        return Panel(Group(status, Text(tail)), title="Lemmata", border_style="cyan")


if __name__ == "__main__":
    from rich.console import Console

    view = StreamView("reasoner")
    view.on_token(0, "Let x be the number. Then ", "hmm, try small cases")
    view.on_token(0, "x = 2, so the answer is \\boxed{2}.", "")
    Console(width=70).print(view)
