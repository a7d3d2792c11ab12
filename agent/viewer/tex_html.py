"""Model and dataset text as safe HTML: everything escaped, TeX math as MathML (latex2mathml).

latex2mathml copies \\text{...} and \\href targets into its output unescaped, so its MathML is
parsed and written again keeping only MathML elements and presentation attributes; anything
else (or TeX it cannot read) is shown as the escaped TeX source.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from html import escape

from latex2mathml.converter import convert

MATH_NS = "{http://www.w3.org/1998/Math/MathML}"
ELEMENTS = frozenset(
    "math mrow mi mn mo mtext ms msup msub msubsup mfrac msqrt mroot mover munder munderover mtable mtr mtd "
    "mspace mstyle menclose mpadded mphantom semantics annotation merror mlabeledtr mmultiscripts mprescripts none"
    .split())
ATTRIBUTES = frozenset(
    "display mathvariant width height depth stretchy fence separator accent accentunder linethickness columnalign "
    "rowalign rowspacing columnspacing columnlines rowlines frame lspace rspace notation displaystyle scriptlevel "
    "minsize maxsize movablelimits form symmetric largeop align encoding".split())
MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\$(.+?)\$|\\\((.+?)\\\)", re.S)
MAX_FORMULA_CHARS = 2000
"""Longer formulas are shown as source: converting them costs more than a page is worth."""


def text_html(text: str | None) -> str:
    """Escaped text, paragraphs kept, with $..$, $$..$$, \\(..\\) and \\[..\\] rendered as MathML."""
    if not text:
        return ""
    parts, last = [], 0
    for match in MATH.finditer(text):
        parts.append(escape(text[last:match.start()]))
        display = match.group(1) is not None or match.group(2) is not None
        tex = next(group for group in match.groups() if group is not None)
        parts.append(math_html(tex, display) or escape(match.group(0)))
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


@lru_cache(maxsize=4096)
def math_html(tex: str, display: bool = False) -> str | None:
    """One formula as sanitised MathML, or None when it cannot be shown as such."""
    if len(tex) > MAX_FORMULA_CHARS:
        return None
    try:
        tree = ET.fromstring(convert(tex, display="block" if display else "inline"))
        return _clean(tree)
    except Exception:  # noqa: BLE001 - any TeX the converter or the checks refuse is shown as source
        return None


def _clean(element: ET.Element) -> str:
    tag = element.tag.removeprefix(MATH_NS)
    if tag not in ELEMENTS:
        raise ValueError(f"element {tag} is not presentation MathML")
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in element.attrib.items() if name in ATTRIBUTES)
    inner = escape(element.text or "") + "".join(_clean(child) + escape(child.tail or "") for child in element)
    return f"<{tag}{attributes}>{inner}</{tag}>"
