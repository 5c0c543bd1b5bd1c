"""Small HTML helpers shared by every view: article text is ALWAYS escaped before it is shown as HTML.

Views build HTML only through these functions, so one test corpus with `<script>` and `<img onerror=...>` proves
every view inert.
"""
from __future__ import annotations

import html
from collections.abc import Iterable

KIND_COLOURS = {
    "headline": "#fde68a", "body": "#ffffff", "subheading": "#bfdbfe", "caption": "#e9d5ff",
    "attribution": "#bbf7d0", "boilerplate": "#e5e7eb", "comment": "#fecaca",
}


def esc(text: object) -> str:
    """Escape any value for HTML text or attribute context -> str (quotes escaped too)."""
    return html.escape("" if text is None else str(text), quote=True)


def highlight(text: str, spans: Iterable[tuple[int, int, str]], *, base: int = 0) -> str:
    """Escape `text` and wrap each (start, end, css_class) span (offsets relative to `base`) in <mark> -> HTML.

    Overlapping spans are clipped: a later span starting inside an earlier one starts after it.
    """
    out, pos = [], 0
    for start, end, cls in sorted(spans):
        s, e = max(start - base, pos), min(end - base, len(text))
        if e <= s:
            continue
        out.append(esc(text[pos:s]))
        out.append(f'<mark class="{esc(cls)}" title="{esc(f"{start}-{end}")}">{esc(text[s:e])}</mark>')
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)
