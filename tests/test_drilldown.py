"""drilldown.py: from a framing cell to the designations counted there, and a researcher's own phrase in context."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from workbench import drilldown as dd
from workbench.framing import framing_table

TEXT = "The regime shelled the town. An anti-regime rally followed. Rebels said the regime lied."


def _tables():
    articles = pd.DataFrame({"article_id": ["a1", "a2"], "outlet": ["Alpha", "Beta"],
                             "published": [dt.date(2020, 1, 1), dt.date(2021, 1, 1)], "n_words": [15, 15]})
    bounds = [(0, 28), (29, 58), (59, len(TEXT))]
    sentences = pd.DataFrame([{"article_id": a, "start": s, "end": e, "text": TEXT[s:e], "block_kind": "body"}
                              for a in ("a1", "a2") for s, e in bounds])
    starts = [TEXT.index("regime"), TEXT.rindex("regime")]  # the annotator's two designations, not "anti-regime"
    mentions = pd.DataFrame([{"article_id": a, "start": s, "end": s + 6, "surface": "regime", "term": "regime",
                              "actor": "SYRIAN_STATE", "block_kind": "body", "sent_start": 0, "sent_end": 1}
                             for a in ("a1", "a2") for s in starts])
    return articles, sentences, mentions


def test_a_framing_cell_drills_down_to_exactly_its_counted_mentions():
    articles, sentences, mentions = _tables()
    cell = framing_table(mentions, articles)
    cell = cell[(cell.outlet == "Alpha") & (cell.term == "regime")].iloc[0]
    hits = dd.designation_hits(mentions, sentences, articles, outlet="Alpha", actor="SYRIAN_STATE", term="regime")
    assert len(hits) == cell["count"] == 2
    assert set(hits["outlet"]) == {"Alpha"} and set(hits["published"]) == {"2020-01-01"}
    assert "anti-" not in "".join(hits["left"].str[-5:])  # "anti-regime" is never one of them
    assert hits["left_word"].tolist() == ["the", "the"] and hits["right_word"].tolist() == ["shelled", "lied"]


def test_date_filter_keeps_only_the_period():
    articles, sentences, mentions = _tables()
    hits = dd.designation_hits(mentions, sentences, articles, term="regime", date_from="2021-01-01")
    assert set(hits["article_id"]) == {"a2"}


def test_phrase_search_matches_whole_words_across_spaces():
    articles, sentences, _ = _tables()
    hits = dd.phrase_hits(sentences, articles, "regime  lied")
    assert len(hits) == 2 and set(hits["keyword"]) == {"regime lied"}
    assert dd.phrase_hits(sentences, articles, "egime").empty


def test_explorer_select_export_and_state_round_trip(tmp_path):
    articles, sentences, mentions = _tables()
    ex = dd.drilldown_explorer(mentions, sentences, articles, outlet="Beta", term="regime")
    assert len(ex.hits) == 2 and set(ex.hits["outlet"]) == {"Beta"}
    assert len(pd.read_csv(ex.export(tmp_path / "s.csv"))) == 2
    ex.save_state(tmp_path / "state.json")
    ex.select(search="rally")
    assert len(ex.hits) == 2
    ex.load_state(tmp_path / "state.json")
    assert ex.state()["outlet"] == "Beta" and len(ex.hits) == 2
