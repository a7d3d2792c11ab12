"""TeX made readable in the terminal (pylatexenc), with the raw text kept when it cannot parse."""

from __future__ import annotations

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db as walker_context
from pylatexenc.macrospec import MacroSpec

# Macros common in olympiad text that pylatexenc's defaults drop or leave raw.
_EXTRA_MACROS = [
    MacroTextSpec("pmod", simplify_repl=" (mod %(1)s)"),
    MacroTextSpec("bmod", simplify_repl=" mod "),
    MacroTextSpec("dfrac", simplify_repl="%(1)s/%(2)s"),
    MacroTextSpec("tfrac", simplify_repl="%(1)s/%(2)s"),
    MacroTextSpec("implies", simplify_repl=" ⟹ "),
    MacroTextSpec("iff", simplify_repl=" ⟺ "),
]
_text_context = get_default_latex_context_db()
_text_context.add_context_category("lemmata", macros=_EXTRA_MACROS, prepend=True)
_walker_context = walker_context()
_walker_context.add_context_category("lemmata", macros=[
    MacroSpec("pmod", "{"), MacroSpec("dfrac", "{{"), MacroSpec("tfrac", "{{"),
], prepend=True)
_converter = LatexNodes2Text(latex_context=_text_context, math_mode="text", strict_latex_spaces=False)


def readable(tex: str) -> str:
    try:
        nodes = LatexWalker(tex, latex_context=_walker_context, tolerant_parsing=True).get_latex_nodes()[0]
        return _converter.nodelist_to_text(nodes).strip()
    except Exception:  # noqa: BLE001 - display only: malformed TeX is shown as written
        return tex
