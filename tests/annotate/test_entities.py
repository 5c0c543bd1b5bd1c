"""The wb_entities component on a blank pipeline (gazetteer matches) and its table rows."""
from __future__ import annotations

import pytest
import spacy

import workbench.annotate  # noqa: F401  (registers the factories)
from workbench.annotate import entities
from workbench.annotate.base import make_doc


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("wb_entities")
    return nlp


def ents(nlp, text):
    doc = nlp(make_doc(nlp, text, article_id="t"))
    return [(s.text, s.label_, s.kb_id_, s.id_) for s in doc.spans["wb_entities"]]


def test_gazetteer_name_gets_label_canonical_and_actor(nlp):
    assert ("Hezbollah", "ORG", "Hezbollah", "IRAN_AXIS") in ents(nlp, "Fighters of Hezbollah arrived.")


def test_spelling_variant_maps_to_one_canonical_name(nlp):
    found = ents(nlp, "Strikes hit Maarat al Numan and later Maarat al-Numan.")
    assert [e[2] for e in found] == ["Maarat al-Numan", "Maarat al-Numan"]


def test_longest_name_wins_over_its_parts(nlp):
    found = ents(nlp, "Foreign Minister Sergey Lavrov spoke.")
    assert found == [("Sergey Lavrov", "PERSON", "Sergei Lavrov", "RUSSIA")]


def test_acronyms_match_only_in_capitals(nlp):
    assert ents(nlp, "Let us see what is left.") == []
    assert ents(nlp, "The US and the UN disagree.")[0][:3] == ("US", "GPE", "United States")


def test_records_keep_offsets_into_the_text(nlp):
    text = "Officials in Ankara said Turkish forces\nwould stay near Idlib."
    doc = nlp(make_doc(nlp, text, article_id="a1"))
    rows = entities.records(doc)
    assert rows and all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    assert {r["canonical"] for r in rows} >= {"Ankara", "Idlib"}
    assert next(r for r in rows if r["text"] == "Idlib")["actor"] is None


@pytest.mark.slow
def test_model_entities_are_canonicalised_through_the_gazetteer(seeds_model):
    import pandas as pd

    e = pd.read_parquet(seeds_model / "entities.parquet")
    assert not e.text.str.contains("\n").any()
    assert (e.loc[e.text == "Reuters", "canonical"] == "Reuters").all()
    assert e.label.isin(["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"]).all()


def test_records_from_the_span_group_equal_those_from_the_rows(nlp):
    text = "Officials in Ankara said Turkish forces\nwould stay near Idlib and Maarat al-Numan."
    doc = nlp(make_doc(nlp, text, article_id="a1"))
    rows = entities.records(doc)
    del doc.user_data[entities.ROWS_KEY], doc.user_data[entities.CHARS_KEY]
    assert entities.records(doc) == rows


def test_common_words_in_a_headline_of_capitals_are_not_acronyms(nlp):
    doc = nlp(make_doc(nlp, "WHO IS TO BLAME FOR THE US STRIKES ON HTS\n\nThe US said IS was behind it.",
                       article_id="t"))
    assert [(s.text, s.kb_id_) for s in doc.spans["wb_entities"]
            if s.text in ("WHO", "IS", "US", "HTS")] == [("HTS", "Hayat Tahrir al-Sham"), ("US", "United States"),
                                                          ("IS", "Islamic State")]
