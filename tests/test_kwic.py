"""kwic.py: keyword in context from the sentences table, offsets into the original text, escaped HTML."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench import kwic as kw
from workbench import views
from workbench.tables import read_table

TEXT = "Regime forces advanced.\n\nThe <b>regime</b> said rebels & regimes fled.\nComment: regime!"


def _sentences(text: str = TEXT) -> pd.DataFrame:
    # Sentences as the annotation layer writes them: verbatim slices of the text at their offsets.
    spans = [(0, 23, "headline"), (25, 69, "body"), (70, len(text), "comment")]
    return pd.DataFrame({"article_id": "a1", "start": [s for s, _, _ in spans], "end": [e for _, e, _ in spans],
                         "block_kind": [k for _, _, k in spans], "text": [text[s:e] for s, e, _ in spans]})


def _articles() -> pd.DataFrame:
    return pd.DataFrame({"article_id": ["a1"], "outlet": [None], "published": [None], "n_words": [12]})


def test_rebuilt_text_keeps_offsets():
    text = kw.article_texts(_sentences())["a1"]
    assert len(text) == len(TEXT)
    assert text[25:69] == TEXT[25:69] and text[23:25] == "  "


def test_keyword_offsets_index_original_text():
    df = kw.kwic(_sentences(), _articles(), "regime")
    assert len(df) == 3
    for r in df.itertuples():
        assert TEXT[r.start:r.end] == r.keyword


def test_keyword_is_whole_word_and_case_insensitive():
    df = kw.kwic(_sentences(), _articles(), "regime")
    assert df["keyword"].tolist() == ["Regime", "regime", "regime"]  # "regimes" not matched


def test_case_sensitive_option():
    assert len(kw.kwic(_sentences(), _articles(), "regime", ignore_case=False)) == 2


def test_regex_keyword():
    df = kw.kwic(_sentences(), _articles(), r"regimes?\b", regex=True)
    assert "regimes" in df["keyword"].tolist() and len(df) == 4


def test_compiled_pattern_keyword():
    assert len(kw.kwic(_sentences(), _articles(), re.compile("rebels"))) == 1


def test_block_kind_filter():
    df = kw.kwic(_sentences(), _articles(), "regime", block_kinds=["body"])
    assert df["start"].tolist() == [TEXT.index("regime</b>")]


def test_context_window():
    hit = kw.kwic(_sentences(), _articles(), "rebels", window=5).iloc[0]
    assert (hit.left, hit.right) == ("said ", " & re")


def test_outlet_is_source_label():
    assert kw.kwic(_sentences(), _articles(), "rebels")["outlet"].tolist() == ["unknown:a1"]


def test_mentions_by_actor():
    start = TEXT.index("rebels")
    mentions = pd.DataFrame({"article_id": ["a1"], "start": [start], "end": [start + 6], "surface": ["rebels"],
                             "term": ["rebels"], "actor": ["ARMED_OPPOSITION"], "block_kind": ["body"]})
    df = kw.kwic(_sentences(), _articles(), mentions=mentions, actor="ARMED_OPPOSITION")
    assert df[["start", "end", "keyword"]].values.tolist() == [[start, start + 6, "rebels"]]


def test_needs_something_to_look_for():
    with pytest.raises(ValueError):
        kw.kwic(_sentences(), _articles())


def test_html_escapes_text_and_marks_keyword():
    html = views.kwic_html(kw.kwic(_sentences(), _articles(), "regime"))
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    assert html.count('<mark class="wb-kw"') == 3
    assert f'data-start="{TEXT.index("regime</b>")}"' in html and 'class="wb-kwic"' in html


def test_seed_offsets_match_files(seeds_rules, seeds_dir):
    sents, arts = read_table(seeds_rules, "sentences"), read_table(seeds_rules, "articles")
    df = kw.kwic(sents, arts, "army")
    assert len(df) > 0
    for r in df.itertuples():
        text = (seeds_dir / f"{r.article_id}.txt").read_bytes().decode("utf-8")
        assert text[r.start:r.end] == r.keyword
