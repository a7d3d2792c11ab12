"""The terminal side of an interactive session: the library table, the budgets, the live view
while the models work, and the command reader (readline on a terminal, lines from a pipe)."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from lemmata.agent.views.display import LoopView
from lemmata.agent.loop.events import LoopEvent
from lemmata.agent.session.runner import Pause
from lemmata.agent.session.commands import command_names
from lemmata.agent.views.tex import readable
from lemmata.memory.lemmas.library import LibraryEntry
from lemmata.memory.lemmas.records import LemmaOrigin, LemmaStatus

PROMPT = "lemmata> "
STATEMENT_CHARS = 160


def lemma_status(entry: LibraryEntry) -> str:
    """pinned, rejected, user's — what a person did to the lemma; empty for a plain one."""
    marks = [str(entry.status)] if entry.status in (LemmaStatus.PINNED, LemmaStatus.REJECTED) else []
    if entry.origin is LemmaOrigin.USER:
        marks.append("user's")
    elif entry.origin is LemmaOrigin.IMPORTED:
        marks.append("imported")
    if entry.version > 1:
        marks.append(f"edited v{entry.version}")
    return ", ".join(marks)


@dataclass
class LibraryTable:
    """The lemma library as the person steers it: number, readable statement, confidence, status."""

    entries: list[LibraryEntry]

    def __rich__(self) -> RenderableType:
        if not self.entries:
            return Text("the lemma library is empty", style="dim")
        table = Table(title="lemma library", expand=True)
        table.add_column("#", width=7, no_wrap=True)
        table.add_column("statement", ratio=1)
        table.add_column("confidence", width=11, no_wrap=True)
        table.add_column("status", width=12)
        for entry in self.entries:
            rejected = entry.status is LemmaStatus.REJECTED
            table.add_row(entry.number, Text(_shorten(readable(entry.statement)), style="strike dim" if rejected else ""),
                          _confidence(entry), Text(lemma_status(entry), style="yellow" if entry.status is LemmaStatus.PINNED else ""))
        return table


@dataclass
class BudgetLine:
    pause: Pause

    def __rich__(self) -> RenderableType:
        p = self.pause
        return Text(f"rounds done {p.rounds_done} of at most {p.rounds} · {p.lemma_votes} votes per new lemma · "
                    f"{p.tokens_used} tokens used", style="cyan")


class SessionScreen:
    """Shows the session; live (streaming, thinking folded) on a terminal, plain lines otherwise."""

    def __init__(self, console: Console, problem: str, rounds: int):
        self.console = console
        self.live = console.is_terminal
        self.view = LoopView(problem, rounds)

    def on_event(self, event: LoopEvent) -> None:
        self.view.on_event(event)
        if not self.live:
            line = _event_line(event)
            if line:
                self.console.print(line, highlight=False)

    def on_tokens(self, shot: int, role: str, text: str, thinking: str) -> None:
        self.view.on_tokens(shot, role, text, thinking)

    @contextlib.contextmanager
    def working(self, pause: Callable[[], Pause]) -> Iterator[None]:
        if not self.live:
            yield
            return
        self.view.library = lambda: _library_and_budgets(pause())
        with Live(self.view, console=self.console, refresh_per_second=4, transient=True):
            yield

    def show_problem(self) -> None:
        self.console.print(Text(readable(self.view.problem), style="bold"))

    def show_pause(self, pause: Pause) -> None:
        self.view.rounds = pause.rounds
        self.show_library(pause)
        state = "interrupted" if pause.interrupted else f"before round {pause.next_round}"
        self.console.print(f"[dim]{state} · Enter continues · /help lists the commands[/]")

    def show_library(self, pause: Pause) -> None:
        self.console.print(_library_and_budgets(pause))

    def show_help(self, lines: list[str]) -> None:
        for line in lines:
            self.console.print(line, highlight=False, markup=False)

    def info(self, text: str) -> None:
        self.console.print(Text(text, style="green"), soft_wrap=True)

    def error(self, text: str) -> None:
        self.console.print(Text(f"error: {text}", style="red"), soft_wrap=True)


def _library_and_budgets(pause: Pause) -> RenderableType:
    return Group(LibraryTable(pause.entries), BudgetLine(pause))


def _event_line(event: LoopEvent) -> str | None:
    detail = event.detail
    match event.kind:
        case "role_started":
            return f"round {event.round} · {event.role}"
        case "lemma_added":
            return f"  lemma {detail['number']} added: {_shorten(readable(detail['statement']), 100)}"
        case "lemma_verified":
            confidence = detail["confidence"]
            return f"  lemma {detail['number']} verified: confidence " + ("-" if confidence is None else f"{confidence:.2f}")
        case "final_verdict":
            return f"final check {detail['passes']}/{detail['votes']} passed"
        case "revised":
            return f"revised (loop {detail['loop']})"
        case "shot_finished":
            return f"finished: {detail['status']}"
        case "parse_failure":
            return f"  {detail['why']}"
    return None


def _confidence(entry: LibraryEntry) -> Text:
    if entry.confidence is None:
        return Text("unverified", style="dim")
    style = "green" if entry.confidence >= 0.75 else "red"
    return Text(f"{entry.confidence:.2f} ({entry.passes}/{entry.votes})", style=style)


def _shorten(text: str, limit: int = STATEMENT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# -- reading commands ------------------------------------------------------------------------


class TerminalCommands:
    """Commands typed at a terminal: readline history (kept in a file) and completion of
    command names when the platform has readline. Ctrl-D or Ctrl-C at the prompt saves and quits."""

    def __init__(self, history: Path | None = None):
        self.history = history
        try:
            import readline
        except ImportError:  # e.g. Windows without pyreadline: plain input()
            self.readline = None
            return
        self.readline = readline
        readline.set_completer(_completer(command_names()))
        readline.set_completer_delims(" ")
        readline.parse_and_bind("tab: complete")
        if history is not None and history.exists():
            with contextlib.suppress(OSError):
                readline.read_history_file(history)

    def read(self) -> str | None:
        try:
            with _ctrl_c_raises():
                line = input(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            return None
        if self.readline is not None and self.history is not None:
            with contextlib.suppress(OSError):
                self.readline.write_history_file(self.history)
        return line


class ScriptCommands:
    """One command per line from a pipe or file; each is echoed so the transcript reads well."""

    def __init__(self, stream: TextIO, console: Console):
        self.stream, self.console = stream, console

    def read(self) -> str | None:
        line = self.stream.readline()
        if not line:
            return None
        self.console.print(Text(PROMPT + line.rstrip("\n"), style="bold"), highlight=False)
        return line


def command_source(console: Console, history: Path | None = None, stream: TextIO | None = None):
    """Readline on a terminal, else one line at a time from standard input."""
    stream = stream or sys.stdin
    if stream.isatty():
        return TerminalCommands(history)
    return ScriptCommands(stream, console)


@contextlib.contextmanager
def _ctrl_c_raises() -> Iterator[None]:
    """Ctrl-C interrupts input() (asyncio.run's own handler would only cancel the main task later)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _completer(names: list[str]) -> Callable[[str, int], str | None]:
    def complete(text: str, state: int) -> str | None:
        matches = [name + " " for name in names if name.startswith(text)]
        return matches[state] if state < len(matches) else None
    return complete


if __name__ == "__main__":
    demo = [
        LibraryEntry(1, "1", "If $n$ is even then $n^2 \\equiv 0 \\pmod 4$.", [], [], True, 1.0, 4, 4,
                     LemmaOrigin.MODEL, LemmaStatus.PINNED, 1, 1),
        LibraryEntry(2, "2", "If $n$ is odd then $n^2 \\equiv 3 \\pmod 4$.", [], [], True, 0.0, 0, 4,
                     LemmaOrigin.MODEL, LemmaStatus.REJECTED, 1, 1),
        LibraryEntry(3, "3", "$\\frac{n(n+1)}{2}$ is an integer.", [], [], True, None, 0, 0,
                     LemmaOrigin.USER, LemmaStatus.ACTIVE, 1, 1),
    ]
    Console(width=100).print(_library_and_budgets(Pause(1, 2, 8, 4, 5120, demo, False)))
