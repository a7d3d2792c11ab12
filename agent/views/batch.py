"""The batch progress display: one rich `Progress` row with a bar, samples and problems done,
ETA, accuracy so far and health (truncations, parse failures, retries, failed calls)."""

from __future__ import annotations

import time

from rich.console import Group, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.table import Column
from rich.markup import escape
from rich.text import Text

from lemmata.agent.evaluation.batch import BatchProgress
from lemmata.memory.terminal_text import inert

HEALTH = (("truncated", "truncated"), ("empty", "empty_outputs"), ("parse failures", "parse_failures"),
          ("retries", "retries"), ("call errors", "call_errors"), ("failed samples", "failed_samples"),
          ("failed endpoints", "failed_endpoints"))
"""Shown name and `BatchProgress` counter of each health count."""


class _FieldColumn(ProgressColumn):
    """A column showing one of the task's fields, already rendered as Text, never wrapped."""

    def __init__(self, name: str):
        super().__init__(table_column=Column(no_wrap=True))
        self.name = name

    def render(self, task: Task) -> RenderableType:
        return task.fields.get(self.name, Text(""))


class BatchView:
    def __init__(self, progress: BatchProgress, title: str):
        self.progress = progress
        self.title = title
        self.bar = Progress(
            TextColumn("[bold cyan]{task.description}", table_column=Column(no_wrap=True)), BarColumn(bar_width=18),
            MofNCompleteColumn(table_column=Column(no_wrap=True)), TextColumn("samples"),
            *(_FieldColumn(name) for name in ("problems", "eta", "accuracy", "health")),
            auto_refresh=False,
        )
        self.task = self.bar.add_task(escape(inert(title)), total=1)  # the column reads markup

    def eta_seconds(self) -> float | None:
        p = self.progress
        worked = p.samples_done - p.samples_skipped
        remaining = p.samples_total - p.samples_done
        if worked <= 0:
            return None
        return (time.monotonic() - p.started_at) / worked * remaining

    def __rich__(self) -> RenderableType:
        p = self.progress
        accuracy = "-" if p.accuracy is None else f"{100 * p.accuracy:.1f}% ({p.correct}/{p.graded})"
        self.bar.update(
            self.task, total=max(p.samples_total, 1), completed=p.samples_done,
            problems=Text(f"· problems {p.problems_done}/{p.problems_total}"),
            eta=Text(f"· ETA {_clock(self.eta_seconds())}"),
            accuracy=Text(f"· accuracy {accuracy}"),
            health=Text("· health ✓", style="green") if healthy(p) else Text("· health ✗", style="bold red"),
        )
        detail = Text(f"in flight {p.in_flight} · {p.tokens_per_second:,.0f} tok/s · ", style="dim")
        parts: list[RenderableType] = [self.bar.get_renderable(), detail.append_text(health_text(p))]
        if p.stopping:
            parts.append(Text("stopping: no new samples start; Ctrl-C again to exit at once", style="yellow"))
        return Group(*parts)


def healthy(p: BatchProgress) -> bool:
    return not any(getattr(p, counter) for _, counter in HEALTH)


def health_text(p: BatchProgress) -> Text:
    """Every health count; the non-zero ones in red."""
    text = Text("health: ")
    for name, counter in HEALTH:
        count = getattr(p, counter)
        text.append(f"{name} {count}  ", style="bold red" if count else "dim")
    return text


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


if __name__ == "__main__":
    from rich.console import Console

    demo = BatchProgress(problems_total=30, samples_total=120, problems_done=4, samples_done=19, in_flight=8,
                         graded=19, correct=11, completion_tokens=250_000, retries=3, parse_failures=1)
    Console(width=160).print(BatchView(demo, "aime2025"))
    Console(width=100).print(BatchView(demo, "aime2025"))
