"""Every HTML view escapes article text: a corpus with <script>, <img onerror=...> and &amp; in headline, body,
comments, outlet names and ids renders inert in each view that exists (blocks, displaCy spans, KWIC, side-by-side
reuse, explorer widgets, notebook tables).

Views are found by import: a view module that is not built yet is reported as a skip naming it, never silently
passed.
"""
from __future__ import annotations

import re

import importlib
import json
from html.parser import HTMLParser

import pandas as pd
import pytest

from workbench.annotate.write import annotate_corpus
from workbench import views
from workbench.html import esc, highlight
from workbench.tables import read_table

XSS = '<script>alert("x")</script>'
IMG = '<img src=x onerror=alert(1)>'
HEAD = f"Army {XSS} shells town {IMG} &amp; fields"
BODY = (f"The army said on Friday that {XSS} rebels had shelled the town & killed at least 12 civilians, "
        f"officials said {IMG} &amp; more.")
BODY2 = f'"We will not leave {XSS} our homes," a resident told reporters &amp; {IMG} on Saturday.'
COMMENTS = f"3 comments\n\nEvil User {IMG}\n\nNice {XSS} article &amp; thanks."
ARTICLES = [
    {"id": "a&1", "outlet": f"Daily {XSS}", "published": "2019-08-30", "text": f"{HEAD}\n\n{BODY}\n\n{BODY2}\n\n{COMMENTS}\n"},
    {"id": "b<i>2", "outlet": f"Wire {IMG}", "published": "2019-08-31", "text": f"{HEAD}\n\n{BODY}\n\n{BODY2}\n"},
]


class TagCollector(HTMLParser):
    """Collect every start tag and attribute the browser would create from a piece of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_inert(html: str, *, must_show: tuple[str, ...] = ("&lt;script&gt;",)) -> None:
    """No script or img element, no on* handler attribute; the hostile text is shown escaped instead."""
    parser = TagCollector()
    parser.feed(html)
    parser.close()
    assert not [t for t, _ in parser.tags if t in ("script", "img", "iframe", "object")], parser.tags
    handlers = [(t, a) for t, attrs in parser.tags for a, _ in attrs if a.lower().startswith("on")]
    assert handlers == []
    for s in must_show:
        assert s in html


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    out = root / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    return {"out": out, "texts": {a["id"]: a["text"] for a in ARTICLES},
            **{t: read_table(out, t) for t in ("articles", "blocks", "sentences", "mentions", "entities")}}


def view_module(name: str):
    try:
        return importlib.import_module(f"workbench.{name}")
    except ModuleNotFoundError:
        pytest.skip(f"workbench.{name} does not exist yet: its views are not checked")


def test_esc_and_highlight_are_inert():
    assert_inert(esc(HEAD))
    assert "&amp;amp;" in esc("&amp;")
    assert_inert(highlight(BODY, [(10, 20, 'x" onmouseover="alert(1)')]))


@pytest.mark.parametrize("aid", [a["id"] for a in ARTICLES])
def test_blocks_view(hostile, aid):
    views = view_module("views")
    blocks = hostile["blocks"][hostile["blocks"]["article_id"] == aid]
    html = str(views.blocks_view(hostile["texts"][aid], blocks, title=aid))
    assert_inert(html, must_show=("&lt;script&gt;", "&lt;img", "&amp;amp;"))
    if aid == "a&1":
        assert "Evil User &lt;img" in html  # comment lines are shown, escaped


def test_displacy_spans_view(hostile):
    views = view_module("views")
    aid = "a&1"
    text = hostile["texts"][aid]
    ents = hostile["entities"][hostile["entities"]["article_id"] == aid]
    spans = pd.concat([
        pd.DataFrame({"start": ents["start"], "end": ents["end"], "label": ents["label"]}),
        pd.DataFrame([{"start": text.index("<script>"), "end": text.index("</script>") + 9, "label": IMG}]),
    ], ignore_index=True)
    blocks = hostile["blocks"][hostile["blocks"]["article_id"] == aid]
    html = str(views.spans_view(text, spans, blocks=blocks, title=XSS))
    assert_inert(html)


def test_kwic_html(hostile):
    kwic = view_module("kwic")
    for keyword in ("script", "amp", "onerror"):
        frame = kwic.kwic(hostile["sentences"], hostile["articles"], keyword)
        assert len(frame), keyword
        assert_inert(views.kwic_html(frame), must_show=("&lt;",))


def test_reuse_side_by_side(hostile):
    reuse = view_module("reuse")
    pairs, subs = reuse.reuse_tables(hostile["out"])
    assert len(pairs)
    html = views.side_by_side(pairs, subs, hostile["sentences"], "a&1", "b<i>2")
    assert_inert(html, must_show=("&lt;script&gt;", "a&amp;1", "b&lt;i&gt;2"))


def test_widget_tables_and_explorer(hostile):
    widgets = view_module("widgets")
    df = pd.DataFrame({"outlet": [f"Daily {XSS}"], "text": [IMG], "share": [0.5]})
    assert_inert(widgets.table_html(df))
    ex = widgets.framing_explorer(hostile["mentions"], hostile["articles"])
    assert_inert(ex.table.value, must_show=("Daily &lt;script&gt;",))


def test_timeline_explorer(hostile):
    widgets = view_module("widgets")
    timeline = view_module("timeline")
    timeline.write_timeline_tables(hostile["out"])
    ex = widgets.timeline_explorer(read_table(hostile["out"], "timeline"), read_table(hostile["out"], "figure_claims"))
    assert_inert(ex.events.value, must_show=("Daily &lt;script&gt;",))
    assert_inert(ex.figures.value, must_show=("Daily &lt;script&gt;",))


def test_notebook_show_table(hostile):
    nbs = view_module("notebook_support")
    html = nbs.show(hostile["articles"][["article_id", "outlet"]], caption=XSS)._repr_html_()
    # The interactive table brings its own scripts (itables); the data they carry and the static fallback table
    # hold the hostile text escaped, so it is inert wherever it lands. Those scripts are the only ones.
    own = re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)
    assert own and all("document.getElementById" in js or "ITable" in js for js in own)
    assert_inert(re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S), must_show=("Daily &lt;script&gt;",
                                                                                      "b&lt;i&gt;2"))
    data = re.search(r'"data_json": "(.*?)",\n', html).group(1)
    assert "&lt;script&gt;" in data and "<script" not in data and "<img" not in data
