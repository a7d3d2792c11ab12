"""Untrusted text made inert for a terminal: model output, dataset text and ids may hold escape
sequences (window titles, screen clears, OSC 8 links), BEL or NUL; they are shown, never obeyed."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Every C0 control but tab and newline, DEL, and the C1 controls (0x9b is a one-byte CSI)."""


def inert(text: str) -> str:
    """`text` with each control character replaced by its visible picture (ESC -> ␛)."""
    return _CONTROL.sub(_picture, text)


def plain(text: object, style: str = "") -> Text:
    """Untrusted text as a rich Text: no markup parsed (no [link=...]), no control characters."""
    return Text(inert("" if text is None else str(text)), style=style)


class InertConsole(Console):
    """A console that makes every text segment inert before writing it: rich's own control
    segments (cursor moves of a live display) and styles pass, untrusted characters do not."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(inert(segment.text), segment.style)
            for segment in buffer)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else f"\\x{code:02x}"
