"""Printing text views: at a terminal, rich fits them to its width; piped or redirected, they are
written as wide as their content needs, so no column is cropped to a default 80."""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.measure import Measurement

MAX_PIPED_WIDTH = 4000
"""Wider content folds rather than making lines no editor shows."""


def print_full(console: Console, renderable: RenderableType) -> None:
    """Print at the terminal's width, or (not a terminal) at the content's natural width."""
    if not console.is_terminal:
        measured = Measurement.get(console, console.options.update(max_width=MAX_PIPED_WIDTH), renderable)
        console.width = max(80, min(measured.maximum, MAX_PIPED_WIDTH))
    console.print(renderable)
