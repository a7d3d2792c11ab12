"""The batch progress display: done of total, in flight, tokens/s, ETA, accuracy, health."""

from __future__ import annotations

import time

from rich.console import Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.text import Text

from agent.batch import BatchProgress
from memory.terminal_text import inert


class BatchView:
    def __init__(self, progress: BatchProgress, title: str):
        self.progress = progress
        self.title = title

    def eta_seconds(self) -> float | None:
        p = self.progress
        worked = p.samples_done - p.samples_skipped
        remaining = p.samples_total - p.samples_done
        if worked <= 0:
            return None
        return (time.monotonic() - p.started_at) / worked * remaining

    def __rich__(self) -> RenderableType:
        p = self.progress
        eta = self.eta_seconds()
        accuracy = "-" if p.accuracy is None else f"{100 * p.accuracy:.1f}% ({p.correct}/{p.graded})"
        line = Text.assemble(
            (inert(self.title), "bold cyan"),
            f"  problems {p.problems_done}/{p.problems_total}  samples {p.samples_done}/{p.samples_total}",
            f"  in flight {p.in_flight}  {p.tokens_per_second:,.0f} tok/s",
            f"  ETA {_clock(eta)}  accuracy {accuracy}",
        )
        health = [("truncated", p.truncated), ("empty", p.empty_outputs), ("parse failures", p.parse_failures),
                  ("retries", p.retries), ("call errors", p.call_errors), ("failed samples", p.failed_samples),
                  ("failed endpoints", p.failed_endpoints)]
        health_line = Text("health: ")
        for name, count in health:
            health_line.append(f"{name} {count}  ", style="bold red" if count else "dim")
        parts: list[RenderableType] = [ProgressBar(total=max(p.samples_total, 1), completed=p.samples_done), line, health_line]
        if p.stopping:
            parts.append(Text("stopping: no new samples start; Ctrl-C again to exit at once", style="yellow"))
        return Group(*parts)


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
    Console(width=110).print(BatchView(demo, "aime2025"))
