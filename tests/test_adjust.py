"""Framing shares adjusted for measured precision, with bootstrap intervals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.adjust import _precisions, adjusted_framing
from workbench.framing import framing_from_counts


def _framing() -> pd.DataFrame:
    counts = pd.DataFrame({"outlet": ["x", "x", "y", "y"], "actor": ["STATE"] * 4,
                           "term": ["regime", "government", "regime", "government"], "count": [30, 70, 50, 50]})
    return framing_from_counts(counts, pd.DataFrame({"outlet": ["x", "y"], "n_words": [1000, 1000]}))


def _judged(regime_wrong: int, n: int = 20) -> pd.DataFrame:
    rows = []
    for term in ("regime", "government"):
        for i in range(n):
            bad = term == "regime" and i < regime_wrong
            rows.append({"table": "mentions", "article_id": f"{term}{i}", "start": i, "end": i + 1, "term": term,
                         "actor": "STATE", "stratum": f"term={term}", "judgement": "wrong" if bad else "correct"})
    return pd.DataFrame(rows)


def test_no_judgements_leaves_framing_unchanged():
    f = _framing()
    pd.testing.assert_frame_equal(adjusted_framing(f, _judged(0).iloc[0:0]), f)


def test_all_correct_keeps_the_shares_and_brackets_them():
    out = adjusted_framing(_framing(), _judged(0), n_boot=400)
    np.testing.assert_allclose(out["share_adj"], out["share"], atol=1e-9)
    assert (out["share_adj_low"] <= out["share_adj"]).all() and (out["share_adj"] <= out["share_adj_high"]).all()


def test_a_false_term_loses_share_and_its_interval_widens():
    raw = adjusted_framing(_framing(), _judged(0), n_boot=400)
    out = adjusted_framing(_framing(), _judged(10), n_boot=400)
    regime = out["term"] == "regime"
    assert (out.loc[regime, "share_adj"] < out.loc[regime, "share"]).all()
    assert (out.loc[~regime, "share_adj"] > out.loc[~regime, "share"]).all()
    width = lambda d: (d["share_adj_high"] - d["share_adj_low"])[regime].to_numpy()  # noqa: E731
    assert (width(out) > width(raw)).all()
    for _, g in out.groupby("outlet"):
        assert g["share_adj"].sum() == pytest.approx(1.0)


def test_bootstrap_is_seeded():
    a = adjusted_framing(_framing(), _judged(5), n_boot=200, seed=1)
    b = adjusted_framing(_framing(), _judged(5), n_boot=200, seed=1)
    pd.testing.assert_frame_equal(a, b)


def test_precision_of_a_thin_cell_leans_on_its_actor():
    # actor 0: cell 0 judged 40 times (30 right), cell 1 judged once (wrong)
    actor = np.zeros(41, dtype=int)
    cell = np.array([0] * 40 + [1])
    y = np.array([1] * 30 + [0] * 10 + [0])
    p = _precisions(actor, cell, y, 1, 2, np.array([0, 0]))[0]
    assert p[0] == pytest.approx(0.75, abs=0.02)
    assert 0.4 < p[1] < 0.75  # not 0: one wrong judgement does not make a term worthless


def test_a_share_of_one_keeps_an_interval():
    counts = pd.DataFrame({"outlet": ["x"], "actor": ["STATE"], "term": ["regime"], "count": [49]})
    framing = framing_from_counts(counts, pd.DataFrame({"outlet": ["x"], "n_words": [1000]}))
    out = adjusted_framing(framing, _judged(0), n_boot=400).iloc[0]
    assert out["share_adj"] == pytest.approx(1.0)
    assert 0.85 < out["share_adj_low"] < 1.0
