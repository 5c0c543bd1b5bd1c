"""HTML views for notebooks, and the only module of the package that writes HTML: one article's blocks coloured by
kind, labelled spans through displaCy, keyword-in-context tables and two articles side by side with their edits.

Every piece of article text reaches HTML through `workbench.html.esc` or through displaCy's own token escaping
(`spacy.displacy` escapes token text but not labels or titles, so those go through `esc` here). Views take the
text and rows of the tables and return HTML strings: they compute nothing and never re-run annotation.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .html import KIND_COLOURS, esc, highlight
from .reuse import reuse_sentences

KWIC_CSS_CLASS = "wb-kwic"
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


def kwic_html(frame: pd.DataFrame, *, css_class: str = KWIC_CSS_CLASS, max_rows: int | None = None) -> str:
    """A keyword-in-context table -> an HTML table: text escaped, keyword in <mark>, each row naming its offsets."""
    rows = frame if max_rows is None else frame.head(max_rows)
    out = [f'<table class="{esc(css_class)}"><thead><tr><th>article</th><th>outlet</th><th>offsets</th>'
           '<th class="left">left</th><th>keyword</th><th class="right">right</th></tr></thead><tbody>']
    for r in rows.itertuples(index=False):
        kw = highlight(r.keyword, [(int(r.start), int(r.end), "wb-kw")], base=int(r.start))
        out.append(f'<tr data-article="{esc(r.article_id)}" data-start="{int(r.start)}" data-end="{int(r.end)}">'
                   f"<td>{esc(r.article_id)}</td><td>{esc(r.outlet)}</td><td>{int(r.start)}-{int(r.end)}</td>"
                   f'<td class="left" style="text-align:right">{esc(r.left)}</td><td>{kw}</td>'
                   f'<td class="right">{esc(r.right)}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


SIDE_BY_SIDE_CSS = (
    "<style>.wb-reuse{border-collapse:collapse;font:13px/1.4 sans-serif}.wb-reuse td{vertical-align:top;"
    "padding:4px 8px;border-top:1px solid #e5e7eb;width:45%}.wb-reuse td.sim{width:6%;color:#6b7280}"
    ".wb-reuse mark.replace{background:#fde68a}.wb-reuse mark.delete{background:#fecaca}"
    ".wb-reuse mark.insert{background:#bbf7d0}.wb-reuse tr.alone td{color:#9ca3af}</style>"
)


def side_by_side(pairs: pd.DataFrame, subs: pd.DataFrame, sentences: pd.DataFrame, article_a: str,
                 article_b: str) -> str:
    """Aligned pairs + substitutions + sentences of two articles -> an HTML table, escaped, edits highlighted.

    Rows follow article_a's text; each aligned sentence sits next to its best partner in article_b (replaced words
    yellow, deleted red, inserted green); sentences of article_b aligned to nothing in article_a follow at the end.
    """
    if article_b < article_a:
        article_a, article_b = article_b, article_a
    sents = reuse_sentences(sentences)
    sa = sents[sents["article_id"] == article_a]
    sb = sents[sents["article_id"] == article_b]
    p = pairs[(pairs["article_a"] == article_a) & (pairs["article_b"] == article_b)]
    if "best" in p.columns:
        p = p[p["best"]]
    # Read from the table (no `best` flag): each sentence keeps its most similar partner.
    p = p.sort_values(["similarity", "start_a", "start_b"], ascending=[False, True, True], kind="stable")
    p = p.drop_duplicates("start_a").drop_duplicates("start_b")
    e = subs[(subs["article_a"] == article_a) & (subs["article_b"] == article_b)]
    text_b = dict(zip(sb["start"], zip(sb["end"], sb["text"])))
    partner = dict(zip(p["start_a"], zip(p["start_b"], p["similarity"])))

    def marks(rows: pd.DataFrame, side: str, start: int, end: int) -> list[tuple[int, int, str]]:
        inside = rows[(rows[f"start_{side}"] >= start) & (rows[f"end_{side}"] <= end)
                      & (rows[f"end_{side}"] > rows[f"start_{side}"])]
        return [(int(s), int(t), op) for s, t, op in zip(inside[f"start_{side}"], inside[f"end_{side}"], inside["op"])]

    out = [SIDE_BY_SIDE_CSS, '<table class="wb-reuse">',
           f"<tr><th>{esc(article_a)}</th><th>similarity</th><th>{esc(article_b)}</th></tr>"]
    for r in sa.itertuples():
        left = highlight(r.text, marks(e, "a", r.start, r.end), base=r.start)
        if r.start in partner:
            start_b, sim = partner[r.start]
            end_b, tb = text_b[start_b]
            right = highlight(tb, marks(e, "b", start_b, end_b), base=start_b)
            out.append(f'<tr><td>{left}</td><td class="sim">{sim:.2f}</td><td>{right}</td></tr>')
        else:
            out.append(f'<tr class="alone"><td>{left}</td><td class="sim"></td><td></td></tr>')
    used = set(p["start_b"])
    for r in sb.itertuples():
        if r.start not in used:
            out.append(f'<tr class="alone"><td></td><td class="sim"></td><td>{esc(r.text)}</td></tr>')
    out.append("</table>")
    return "\n".join(out)
