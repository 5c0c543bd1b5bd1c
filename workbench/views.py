"""HTML views of one article for notebooks: blocks coloured by kind, and labelled spans through displaCy.

Every piece of article text reaches HTML through `workbench.html.esc` or through displaCy's own token escaping
(`spacy.displacy` escapes token text but not labels or titles, so those go through `esc` here). Views take the
text and rows of the tables and return HTML strings: they compute nothing and never re-run annotation.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .html import KIND_COLOURS, esc

SPAN_COLOURS = ("#fde68a", "#bfdbfe", "#bbf7d0", "#fecaca", "#e9d5ff", "#fed7aa", "#a5f3fc", "#fbcfe8", "#d9f99d")


class HTMLView:
    """HTML that notebooks render as HTML, with a short plain-text summary as its repr; str() gives the HTML."""

    def __init__(self, html: str, summary: str) -> None:
        self.html, self.summary = html, summary

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        return self.html


def kind_legend() -> str:
    """The colour legend of block kinds -> HTML."""
    items = "".join(
        f'<span style="background:{c};border:1px solid #999;padding:0 4px;margin-right:4px">{esc(k)}</span>'
        for k, c in KIND_COLOURS.items()
    )
    return f'<div class="wb-legend">{items}</div>'


def blocks_view(text: str, blocks: pd.DataFrame, *, title: str | None = None) -> HTMLView:
    """An article's text and its `blocks` rows -> HTML with one escaped, kind-coloured line per block."""
    rows = []
    for b in blocks.sort_values("start").itertuples(index=False):
        colour = KIND_COLOURS.get(b.kind, "#ffffff")
        rows.append(
            f'<div class="wb-block wb-{esc(b.kind)}" style="background:{colour};margin:1px 0;padding:1px 4px">'
            f'<code style="font-size:0.75em;color:#555">{int(b.line_no):>3} {esc(b.kind)}</code> '
            f"{esc(text[int(b.start):int(b.end)])}</div>"
        )
    head = f"<h4>{esc(title)}</h4>" if title else ""
    return HTMLView(f'<div class="wb-blocks">{head}{"".join(rows)}</div>',
                    f"blocks view{f' of {title}' if title else ''}: {len(rows)} blocks")


@lru_cache(maxsize=1)
def _tokenizer():
    # Only to split display units into tokens for displaCy; no annotation happens here. Imported lazily so
    # notebooks that show blocks only never pay for importing spaCy.
    import spacy

    return spacy.blank("en")


def _displacy_doc(segment: str, base: int, spans: pd.DataFrame) -> dict:
    """One display unit (a block) -> displaCy manual-mode dict with token-aligned spans."""
    doc = _tokenizer().make_doc(segment)
    out = []
    for s in spans.itertuples(index=False):
        span = doc.char_span(int(s.start) - base, int(s.end) - base, alignment_mode="expand")
        if span is not None and len(span):
            out.append({"start_token": span.start, "end_token": span.end, "label": esc(s.label)})
    return {"text": segment, "tokens": [t.text for t in doc], "spans": out}


def spans_view(text: str, spans: pd.DataFrame, *, blocks: pd.DataFrame | None = None, title: str | None = None,
               colours: dict[str, str] | None = None) -> HTMLView:
    """An article's text and span rows (start, end, label) -> displaCy span-style HTML, one paragraph per block.

    Without `blocks` the whole text is one unit. Spans are widened to whole tokens for display only.
    """
    units = ([(int(b.start), int(b.end)) for b in blocks.sort_values("start").itertuples(index=False)]
             if blocks is not None and len(blocks) else [(0, len(text))])
    spans = spans.sort_values(["start", "end"]) if len(spans) else spans
    labels = sorted({str(lab) for lab in spans["label"]}) if len(spans) else []
    palette = {esc(lab).upper(): SPAN_COLOURS[i % len(SPAN_COLOURS)] for i, lab in enumerate(labels)}
    palette.update({esc(k).upper(): v for k, v in (colours or {}).items()})
    parsed = []
    for start, end in units:
        inside = spans[(spans["start"] >= start) & (spans["end"] <= end)] if len(spans) else spans
        parsed.append(_displacy_doc(text[start:end], start, inside))
    from spacy import displacy

    html = displacy.render(parsed, style="span", manual=True, jupyter=False, options={"colors": palette})
    head = f"<h4>{esc(title)}</h4>" if title else ""
    n = sum(len(p["spans"]) for p in parsed)
    return HTMLView(f'<div class="wb-spans">{head}{html}</div>',
                    f"span view{f' of {title}' if title else ''}: {n} spans in {len(parsed)} blocks")
