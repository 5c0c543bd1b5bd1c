"""The learned line typer: features, decoding rules, the shipped weights, and pasted pages typed through it."""
from __future__ import annotations

import numpy as np

from workbench.blocks import classify_lines, is_pasted_page, load_cues, rule_kinds
from workbench.linemodel import CLASSES, CONTEXT, FEATURES, LineModel, context_features, line_features, load_model

MENU = ["Home", "World", "Politics", "Business", "Tech", "Sport", "Opinion", "Video", "Podcasts", "Newsletters",
        "Sign in", "Search"]
ARTICLE = [
    "Storm floods coastal towns as rivers burst their banks",
    "Heavy rain fell for a third day on Tuesday, and officials said more than 2,000 people had left their homes "
    "along the coast as the water kept rising through the night.",
    "The regional council opened schools and sports halls as shelters, and the army sent trucks to carry families "
    "out of the worst-hit villages before the roads were cut.",
    "Forecasters expect the rain to ease on Thursday, but warned that river levels could stay high for days after "
    "that, because the ground is already saturated.",
]
FOOTER = ["Most read", "Cookie settings", "Contact us", "Terms of use", "Privacy policy", "About us"]


def test_features_have_one_column_per_name_and_no_nan():
    lines = MENU + ARTICLE + FOOTER
    X = line_features(lines, rule_kinds(lines), title=ARTICLE[0])
    assert X.shape == (len(lines), len(FEATURES))
    assert np.isfinite(X).all()
    title_same = X[:, FEATURES.index("title_same")]
    assert title_same[len(MENU)] == 1.0 and title_same.sum() == 1.0
    C = context_features(np.tile([0.1, 0.8, 0.1], (len(lines), 1)), lines)
    assert C.shape == (len(lines), len(CONTEXT)) and np.isfinite(C).all()


def test_pasted_page_gate_counts_short_unpunctuated_lines():
    cues = load_cues()
    assert is_pasted_page(MENU + ARTICLE + FOOTER, cues)
    assert not is_pasted_page(ARTICLE, cues)


def test_menus_and_footers_around_an_article_are_not_body():
    lines = MENU + ARTICLE + FOOTER
    kinds = classify_lines(lines)
    assert kinds[len(MENU)] == "headline"
    assert kinds[len(MENU) + 1:len(MENU) + len(ARTICLE)] == ["body"] * (len(ARTICLE) - 1)
    assert "body" not in kinds[:len(MENU)] + kinds[len(MENU) + len(ARTICLE):]
    assert kinds.count("headline") == 1


def test_decode_keeps_the_headline_above_the_body_and_never_a_sentence():
    lm = load_model()
    lines = ["Menu", "A headline that reads like one", "A first paragraph that ends in a full stop.", "More text."]
    # The headline scorer prefers the sentence, but a line ending in a full stop is not a title.
    P = np.array([[0.1, 0.1, 0.8], [0.3, 0.1, 0.6], [0.6, 0.3, 0.1], [0.0, 0.9, 0.1]])
    assert lm.decode(P, lines=lines)[1] == "headline"
    # No line above the first body line: no headline.
    P2 = np.array([[0.0, 0.9, 0.1], [0.2, 0.7, 0.1]])
    assert "headline" not in lm.decode(P2, lines=["First paragraph.", "Second"])
    # Of two copies of the title, the one heading the article.
    lines3 = ["Same title", "Nav", "Same title", "Body paragraph."]
    P3 = np.array([[0.5, 0.1, 0.4], [0.0, 0.0, 1.0], [0.5, 0.1, 0.4], [0.0, 0.9, 0.1]])
    assert lm.decode(P3, lines=lines3) == ["other", "other", "headline", "body"]


def test_a_given_title_is_the_only_headline():
    lm = load_model()
    P = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]])
    assert lm.decode(P, None, has_title=True, lines=["Looks like a title", "Body."]) == ["other", "body"]
    assert lm.decode(P, 0, has_title=True, lines=["The title", "Body."]) == ["headline", "body"]


def test_shipped_weights_match_the_feature_list():
    spec_model = load_model()
    assert isinstance(spec_model, LineModel)
    assert spec_model.stage1.coef.shape == (len(CLASSES), len(FEATURES))
    assert spec_model.stage2.coef.shape == (len(CLASSES), len(FEATURES) + len(CONTEXT))
