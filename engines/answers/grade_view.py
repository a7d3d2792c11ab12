"""Renders a Grade for the terminal: verdict, deciding path, reason, extracted answer."""

from __future__ import annotations

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lemmata.engines.answers.grade import Grade
from lemmata.engines.answers.verdicts import Verdict

VERDICT_STYLES = {
    Verdict.CORRECT: "bold green",
    Verdict.INCORRECT: "bold red",
    Verdict.INVALID: "bold magenta",
    Verdict.UNDECIDED: "bold yellow",
}


def grade_panel(grade: Grade) -> Panel:
    """A panel with one row per fact of the grade."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    table.add_row("verdict", Text(grade.verdict.value, style=VERDICT_STYLES[grade.verdict]))
    table.add_row("decided by", grade.decided_by.value)
    table.add_row("reason", Text(grade.reason))
    table.add_row("extracted", Text(grade.extracted or "—"))
    table.add_row("gold", Text(grade.gold))
    if grade.corrections:
        table.add_row("corrections", ", ".join(grade.corrections))
    if grade.judge_label:
        table.add_row("judge", grade.judge_label)
    table.add_row("time", f"{grade.seconds * 1000:.0f} ms")
    return Panel(table, title="answer check", expand=False)


if __name__ == "__main__":
    from rich.console import Console

    from lemmata.engines.answers.verdicts import DecidedBy

    Console().print(grade_panel(Grade(verdict=Verdict.CORRECT, decided_by=DecidedBy.RULES, reason="equal as exact rationals", extracted="\\frac{1}{2}", gold="0.5", seconds=0.012)))
