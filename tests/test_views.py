"""views: article text is escaped in every view; blocks carry their kind's colour; spans land on their tokens."""
from __future__ import annotations

import re

import pandas as pd

from workbench.html import KIND_COLOURS
from workbench.views import blocks_view, kind_legend, spans_view

HOSTILE = 'Rebels <script>alert("x")</script> & <img src=x onerror=alert(1)>'
TEXT = f"Headline here\n{HOSTILE} attacked army posts.\n"


def _blocks() -> pd.DataFrame:
    second = TEXT.index(HOSTILE)
    return pd.DataFrame([
        {"article_id": "a", "block_id": 0, "line_no": 1, "start": 0, "end": 13, "kind": "headline"},
        {"article_id": "a", "block_id": 1, "line_no": 2, "start": second, "end": len(TEXT) - 1, "kind": "body"},
    ])


def _spans(label: str = "army") -> pd.DataFrame:
    start = TEXT.index("army")
    return pd.DataFrame([{"start": start, "end": start + 4, "label": label}])


def test_blocks_view_escapes_article_text():
    html = str(blocks_view(TEXT, _blocks()))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_blocks_view_colours_each_block_by_kind():
    html = str(blocks_view(TEXT, _blocks()))
    assert f"background:{KIND_COLOURS['headline']}" in html
    assert html.count('class="wb-block ') == 2


def test_blocks_view_escapes_the_title():
    assert "<b>" not in str(blocks_view(TEXT, _blocks(), title="<b>t</b>"))


def test_blocks_view_repr_is_a_short_summary():
    assert repr(blocks_view(TEXT, _blocks(), title="a")) == "blocks view of a: 2 blocks"


def test_kind_legend_lists_every_kind():
    legend = kind_legend()
    assert all(kind in legend for kind in KIND_COLOURS)


def test_spans_view_escapes_text_once():
    html = str(spans_view(TEXT, _spans(), blocks=_blocks()))
    assert "<script" not in html and "<img" not in html
    assert "&lt;" in html and "onerror" in html  # the tokeniser splits "<script>"; each piece is escaped
    assert "&amp;lt;" not in html  # displaCy escapes tokens itself: no double escaping


def test_spans_view_escapes_labels():
    html = str(spans_view(TEXT, _spans(label="<i>army</i>"), blocks=_blocks()))
    assert "<i>" not in html
    assert "&lt;i&gt;army&lt;/i&gt;" in html


def test_spans_view_marks_the_span_tokens():
    view = spans_view(TEXT, _spans(), blocks=_blocks(), title="a")
    assert repr(view) == "span view of a: 1 spans in 2 blocks"
    assert "army" in str(view)


def test_spans_view_without_blocks_uses_whole_text():
    assert repr(spans_view(TEXT, _spans())) == "span view: 1 spans in 1 blocks"


def test_spans_view_of_no_spans_still_shows_text():
    html = str(spans_view(TEXT, pd.DataFrame(columns=["start", "end", "label"]), blocks=_blocks()))
    assert "Headline" in html


def test_spans_view_is_deterministic():
    assert str(spans_view(TEXT, _spans(), blocks=_blocks())) == str(spans_view(TEXT, _spans(), blocks=_blocks()))


def test_spans_view_keeps_spaces_between_words_of_a_span():
    start = TEXT.index("army posts")
    spans = pd.DataFrame([{"start": start, "end": start + len("army posts"), "label": "x"}])
    visible = re.sub(r"<[^>]+>", "", str(spans_view(TEXT, spans)))
    assert re.search(r"army\s", visible) and re.search(r"\sposts", visible)  # minified markup glues them
