"""Loss made visible: articles with no headline or body block, outlets with most characters typed caption."""
from __future__ import annotations

import pandas as pd

from workbench.annotate.write import annotate_corpus
from workbench.loss import content_shares, loss_flags, loss_warnings

ARTICLES = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["x", "x", "y"]})
BLOCKS = pd.DataFrame([
    ("a", 0, 10, "headline"), ("a", 11, 100, "body"), ("a", 101, 120, "caption"),
    ("b", 0, 60, "caption"), ("b", 61, 70, "boilerplate"),
    ("c", 0, 40, "caption"), ("c", 41, 60, "body"),
], columns=["article_id", "start", "end", "kind"])


def test_content_share_counts_headline_body_and_subheading_characters():
    per = content_shares(ARTICLES, BLOCKS).set_index("article_id")
    assert per.at["a", "content_share"] == (10 + 89) / (10 + 89 + 19)
    assert per.at["b", "content_share"] == 0.0 and not per.at["b", "headline_or_body"]


def test_flags_an_article_without_headline_or_body_and_an_outlet_mostly_caption():
    bad_articles, bad_outlets = loss_flags(ARTICLES, BLOCKS)
    assert bad_articles["article_id"].tolist() == ["b"]
    # x: 79 of 187 characters caption (42%); y: 40 of 59 (68%); both over 40%
    assert bad_outlets["outlet"].tolist() == ["x", "y"]
    assert loss_flags(ARTICLES, BLOCKS, caption_share_max=0.6)[1]["outlet"].tolist() == ["y"]
    text = "\n".join(loss_warnings(ARTICLES, BLOCKS))
    assert "1 article(s) have no headline or body block" in text and "outlet y: 68%" in text


def test_nothing_flagged_when_every_article_has_content():
    ok = BLOCKS[BLOCKS["article_id"] == "a"]
    assert loss_warnings(ARTICLES[ARTICLES["article_id"] == "a"], ok) == []


def test_annotate_summary_names_an_article_typed_all_boilerplate(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "menu.txt").write_text("Share on Facebook\n\nAdvertisement\n\nAll rights reserved.\n", encoding="utf-8")
    (corpus / "story.txt").write_text("Floods hit the valley\n\nRain fell for three days, officials said.\n",
                                      encoding="utf-8")
    summary = annotate_corpus(corpus, tmp_path / "out", progress=False)
    assert any("no headline or body block" in w and "menu" in w for w in summary.warnings)
    assert "menu" in summary.describe() and "story" not in "\n".join(summary.warnings)
