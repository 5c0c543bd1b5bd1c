"""The article's own dateline (workbench/annotate/dateline.py) and the relative dates it anchors."""
from __future__ import annotations

import datetime as dt

import pytest
import spacy

import workbench.annotate  # noqa: F401  (registers the factories)
from workbench.annotate.dateline import dateline_columns, find_dateline
from workbench.annotate.run import annotate_articles
from workbench.corpus import Article


@pytest.mark.parametrize("head, day", [
    ("Wed 19 Apr 2017 Jets struck the town on Monday.", dt.date(2017, 4, 19)),
    ("Published February 18 2015 The army captured villages.", dt.date(2015, 2, 18)),
    ("Posted on April 19 2017 by the desk. Six people were killed.", dt.date(2017, 4, 19)),
    ("Date of publication 4 April 2017 At least 19 people were killed.", dt.date(2017, 4, 4)),
    ("10-09-2014 Leaders were killed in a blast.", dt.date(2014, 9, 10)),
    ("Bomb kills six in the suburb State media AFP Tuesday 6 Aug 2013 A bomb killed six.", dt.date(2013, 8, 6)),
])
def test_dateline_at_the_start_is_found(head, day):
    text = f"Town shelled\n\n{head}\n\nMore text on 3 March 2011."
    found = find_dateline(text)
    assert found is not None and found.date == day
    assert text[found.start:found.end].strip()


@pytest.mark.parametrize("head", [
    "On August 21 2013 the army fired rockets on the town.",  # an event date, not the article's
    "Troops entered the town on Monday after a week of shelling.",  # no full date
    "The siege, which began in 6 May 2015 according to residents, ended.",
])
def test_an_event_date_or_no_date_is_no_dateline(head):
    assert find_dateline(f"Town shelled\n\n{head}") is None


def test_a_date_deep_in_the_article_is_no_dateline():
    text = "Town shelled\n\n" + "Residents fled the town. " * 20 + "Wed 19 Apr 2017"
    assert find_dateline(text) is None


def test_gap_to_published_is_recorded():
    cols = dateline_columns("Title\n\nThu Sep 5 2013 Car bomb kills four.", None, dt.date(2011, 2, 2))
    assert cols["dateline"] == dt.date(2013, 9, 5)
    assert cols["dateline_gap_days"] == (dt.date(2013, 9, 5) - dt.date(2011, 2, 2)).days
    assert dateline_columns("Title\n\nCar bomb kills four.", None, dt.date(2011, 2, 2))["dateline_gap_days"] is None


def test_relative_dates_resolve_against_the_dateline_not_published():
    text = "Car bomb kills four\n\nThu Sep 5 2013 A car bomb killed four people yesterday, officials said."
    art = Article("a1", text, "mem", published=dt.date(2011, 2, 2))
    rec = annotate_articles([art], spacy_rules())
    row = rec.tables["articles"][0]
    assert row["dateline"] == dt.date(2013, 9, 5) and row["dateline_gap_days"] > 900
    values = {r["text"]: r["value"] for r in rec.tables["timex"]}
    assert values["Thu Sep 5 2013"] == "2013-09-05"  # the weekday is not split from its date
    assert values["yesterday"] == "2013-09-04"


def test_without_dateline_published_anchors():
    art = Article("a2", "Car bomb kills four\n\nA car bomb killed four people yesterday.", "mem",
                  published=dt.date(2011, 2, 2))
    rec = annotate_articles([art], spacy_rules())
    assert rec.tables["articles"][0]["dateline"] is None
    assert {r["text"]: r["value"] for r in rec.tables["timex"]}["yesterday"] == "2011-02-01"


def test_timex_component_alone_finds_the_dateline():
    nlp = spacy.blank("en")
    nlp.add_pipe("wb_timex")
    doc = nlp("Car bomb kills four\n\nThu Sep 5 2013 A car bomb killed four people yesterday.")
    assert {r.text: r.value for r in doc.user_data["wb_timex"]}["yesterday"] == "2013-09-04"


def spacy_rules():
    from workbench.annotate.pipeline import cached_pipeline

    return cached_pipeline("rules")


def test_a_date_inside_a_caption_sentence_is_no_dateline():
    text = "Title\n\nResidents inspect the rubble after a strike, said to be in Idlib province, Syria, August 28, 2019."
    assert find_dateline(text) is None
