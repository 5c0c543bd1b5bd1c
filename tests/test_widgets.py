"""widgets.py: the framing explorer's pure logic under filter combinations, and the widget updating in place."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from workbench import widgets as wg


def _articles() -> pd.DataFrame:
    return pd.DataFrame({"article_id": ["a1", "a2", "u1"], "outlet": ["Alpha", "Beta", "unknown"],
                         "published": [dt.date(2020, 1, 1)] * 3, "n_words": [1000, 500, 200]})


def _m(aid, start, term, actor, kind="body"):
    return {"article_id": aid, "start": start, "end": start + len(term), "surface": term, "term": term,
            "actor": actor, "block_kind": kind, "sent_start": 0, "sent_end": 50}


def _mentions() -> pd.DataFrame:
    return pd.DataFrame([
        _m("a1", 0, "regime", "SYRIAN_STATE", "headline"), _m("a1", 10, "regime", "SYRIAN_STATE"),
        _m("a1", 20, "army", "SYRIAN_STATE"), _m("a1", 30, "terrorists", "ARMED_OPPOSITION"),
        _m("a2", 0, "government", "SYRIAN_STATE"), _m("a2", 10, "rebels", "ARMED_OPPOSITION"),
        _m("u1", 0, "regime", "SYRIAN_STATE"),
    ])


def _view(**kw) -> wg.FramingView:
    return wg.framing_view(_mentions(), _articles(), wg.FramingFilter(**kw))


def test_no_filter_shows_all_outlets():
    assert sorted(_view().framing["outlet"].unique()) == ["Alpha", "Beta", "unknown:u1"]


def test_outlet_filter():
    assert set(_view(outlets=("Beta",)).framing["outlet"]) == {"Beta"}


def test_outlet_and_actor_filter():
    f = _view(outlets=("Alpha", "Beta"), actor="ARMED_OPPOSITION").framing
    assert f.loc[f["count"] > 0, ["outlet", "term"]].values.tolist() == [["Alpha", "terrorists"], ["Beta", "rebels"]]


def test_table_shows_the_heatmap_cells_zeros_included():
    v = _view(actor="SYRIAN_STATE", terms=("regime", "government"))
    assert len(v.framing) == v.pivot.size
    for r in v.framing.itertuples():
        assert v.pivot.loc[r.outlet, r.term] == pytest.approx(r.share)
    beta_regime = v.framing[(v.framing.outlet == "Beta") & (v.framing.term == "regime")].iloc[0]
    assert beta_regime["count"] == 0 and beta_regime["share_high"] > 0


def test_pooled_actors_table_matches_heatmap():
    v = _view(terms=("regime", "rebels"))
    alpha = v.framing[(v.framing.outlet == "Alpha") & (v.framing.term == "regime")].iloc[0]
    assert (alpha["count"], alpha["total"]) == (2, 4) and v.pivot.loc["Alpha", "regime"] == pytest.approx(0.5)


def test_terms_filter_keeps_share_of_whole_actor():
    f = _view(actor="SYRIAN_STATE", terms=("regime",)).framing
    alpha = f[f.outlet == "Alpha"].iloc[0]
    assert (alpha["term"], alpha["count"], alpha["total"]) == ("regime", 2, 3)
    assert set(f["term"]) == {"regime"}


def test_block_kind_filter():
    f = _view(block_kinds=("headline",)).framing
    assert f.loc[f["count"] > 0, ["outlet", "term", "count"]].values.tolist() == [["Alpha", "regime", 1]]


def test_pivot_columns_are_chosen_terms():
    p = _view(actor="SYRIAN_STATE", terms=("government", "regime")).pivot
    assert p.columns.tolist() == ["government", "regime"]
    assert p.loc["Alpha", "regime"] == pytest.approx(2 / 3)


def test_filter_to_nothing_gives_empty_tables():
    v = _view(outlets=("Beta",), actor="SYRIAN_STATE", block_kinds=("headline",))
    assert v.framing.empty and v.pivot.empty


def test_table_html_escapes_and_has_class():
    html = wg.table_html(pd.DataFrame({"outlet": ["<i>x</i>"], "share": [0.123456]}))
    assert html.startswith('<table class="wb-framing-table"') and "&lt;i&gt;" in html and "0.123" in html


def test_explorer_controls_have_stable_labels():
    ex = wg.framing_explorer(_mentions(), _articles())
    assert [c.description for c in (ex.outlets, ex.actor, ex.terms, ex.block_kinds)] == \
        ["Outlets", "Actor", "Terms", "Block kinds"]
    assert ex.outlets.options == ("Alpha", "Beta", "unknown:u1")


def test_explorer_updates_table_in_place_on_outlet_change():
    ex = wg.framing_explorer(_mentions(), _articles())
    table, before = ex.table, ex.table.value
    assert "Beta" in before
    ex.outlets.value = ("Alpha",)
    assert ex.table is table and "Beta" not in ex.table.value and "Alpha" in ex.table.value
    assert 'class="wb-framing-table"' in ex.table.value


def test_explorer_plot_changes_with_actor():
    ex = wg.framing_explorer(_mentions(), _articles())
    before = ex.plot.value
    ex.actor.value = "ARMED_OPPOSITION"
    assert ex.state().actor == "ARMED_OPPOSITION" and ex.plot.value != before


def test_explorer_cell_drills_down_exports_and_keeps_state(tmp_path):
    sentences = pd.DataFrame([{"article_id": a, "start": 0, "end": 60, "text": "x" * 60, "block_kind": "body"}
                              for a in ("a1", "a2", "u1")])
    ex = wg.framing_explorer(_mentions(), _articles(), sentences=sentences)
    ex.actor.value = "SYRIAN_STATE"
    cells = [v for _, v in ex.cell.options if v]
    assert ("Alpha", "regime") in cells
    ex.cell.value = ("Alpha", "regime")
    assert len(ex.hits) == 2
    names = {p.name for p in ex.export(tmp_path / "exp")}
    assert names == {"framing.csv", "heatmap.png", "heatmap.svg", "sentences.csv"}
    ex.save_state(tmp_path / "v.json")
    ex.actor.value = wg.ALL_ACTORS
    ex.load_state(tmp_path / "v.json")
    assert ex.state().actor == "SYRIAN_STATE" and ex.cell.value == ("Alpha", "regime")
