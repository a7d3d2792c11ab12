"""TeX made readable in the terminal (pylatexenc), with the raw text kept when it cannot parse."""

from __future__ import annotations

from pylatexenc.latex2text import LatexNodes2Text

_converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def readable(tex: str) -> str:
    try:
        return _converter.latex_to_text(tex).strip()
    except Exception:  # noqa: BLE001 - display only: malformed TeX is shown as written
        return tex
