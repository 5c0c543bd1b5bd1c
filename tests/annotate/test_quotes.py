"""wb_quotes: pairing of quote marks, scare quotes, unclosed/unopened marks, speakers, and the gold-dev targets."""
from __future__ import annotations

import pandas as pd
import pytest
import spacy

import workbench.annotate  # noqa: F401  (registers factories)
from workbench.annotate import quotes
from workbench.annotate.base import make_doc

from .conftest import blank_with
from workbench.evaluate import evaluate_dir


@pytest.fixture(scope="module")
def nlp():
    return blank_with("wb_quotes")


def run(nlp, text: str) -> list[dict]:
    return quotes.records(nlp(make_doc(nlp, text, article_id="t")))


def texts(rows: list[dict]) -> list[str]:
    return [r["text"] for r in rows]


# ------------------------------------------------------------------------------------------------------ pairing


def test_curly_pair_span_excludes_marks(nlp):
    rows = run(nlp, "The army said “the town has been taken back today” on Monday.")
    assert texts(rows) == ["the town has been taken back today"]


def test_straight_pair(nlp):
    rows = run(nlp, 'He said "we will never leave this place" and left.')
    assert texts(rows) == ["we will never leave this place"]


def test_guillemets(nlp):
    rows = run(nlp, "The centre announced «a ceasefire from six in the morning» for the zone.")
    assert texts(rows) == ["a ceasefire from six in the morning"]


def test_inner_punctuation_kept(nlp):
    rows = run(nlp, 'Officials said "the offensive will go on, whatever happens." Then they left.')
    assert texts(rows) == ["the offensive will go on, whatever happens."]


def test_scare_quotes_are_not_quotes(nlp):
    rows = run(nlp, 'They call it the "de-escalation zone" or "safe area" or "a buffer zone".')
    assert rows == []


def test_four_words_is_a_quote(nlp):
    rows = run(nlp, 'She called it "a very cowardly attack" yesterday.')
    assert texts(rows) == ["a very cowardly attack"]


def test_unclosed_mark_runs_to_paragraph_end(nlp):
    text = "A source said: “Our forces continued their operations in the area.\n\nNext paragraph here."
    rows = run(nlp, text)
    assert texts(rows) == ["Our forces continued their operations in the area."]


def test_unopened_mark_starts_at_paragraph_start(nlp):
    text = "Intro line of the story.\n\nThe regime wants to take the whole highway now,” said Jane Doe, a monitor."
    rows = run(nlp, text)
    assert texts(rows) == ["The regime wants to take the whole highway now,"]


def test_quote_split_over_paragraphs_gives_one_row_per_paragraph(nlp):
    text = ("“We have been working for weeks without any rest at all.\n\n"
            "“We cannot continue like this much longer,” said John Smith.")
    rows = run(nlp, text)
    assert texts(rows) == ["We have been working for weeks without any rest at all.",
                           "We cannot continue like this much longer,"]


def test_quotes_never_cross_paragraphs(nlp):
    text = 'He said "this is the first part of it\nand "this is a second quote here" too.'
    assert "\n" not in "".join(texts(run(nlp, text)))


def test_offsets_index_the_text(nlp):
    text = ("Title line\n\n“A unilateral ceasefire from six in the morning”, the centre said.\n"
            'X said "we will not go anywhere at all," and “the war is far from over now”.')
    doc = nlp(make_doc(nlp, text, article_id="t"))
    for r in quotes.records(doc):
        assert text[r["start"]:r["end"]] == r["text"]
        if r["speaker_start"] is not None:
            assert r["speaker_end"] > r["speaker_start"]


def test_spans_written_to_doc(nlp):
    doc = nlp(make_doc(nlp, "He said “we will never leave this place” and left.", article_id="t"))
    assert [s.text for s in doc.spans["wb_quotes"]] == ["we will never leave this place"]


def test_quotes_in_any_block_with_block_kind(nlp):
    doc = nlp(make_doc(nlp, "“We are not leaving our homes at all,” residents say\n", article_id="t"))
    rows = quotes.records(doc)
    assert len(rows) == 1 and rows[0]["block_kind"] is not None


# ------------------------------------------------------------------------------------------------------ speakers


def speakers(nlp, text: str) -> list[str | None]:
    return [r["speaker"] for r in run(nlp, text)]


def test_speaker_after_quote_with_title_and_apposition(nlp):
    text = "“The front is holding for now,” Colonel Jane Fakename, a commander in the rebel group told Reuters."
    assert speakers(nlp, text) == ["Jane Fakename"]


def test_speaker_inverted_said_x(nlp):
    assert speakers(nlp, "“The front is holding for now,” said Omar Fakename, a local activist.") == ["Omar Fakename"]


def test_surname_refers_back_to_full_name(nlp):
    text = ("“The front is holding for now,” Colonel Jane Fakename told Reuters.\n\n"
            "“We need more weapons to hold it,” Fakename added.")
    assert speakers(nlp, text) == ["Jane Fakename", "Jane Fakename"]


def test_surname_variant_refers_back(nlp):
    text = ("“The front is holding for now,” Colonel Jane Fakenour told Reuters.\n\n"
            "“We need more weapons to hold it,” Fakennor added.")
    assert speakers(nlp, text)[1] == "Jane Fakenour"


def test_surname_found_earlier_in_text(nlp):
    text = ("Minister Ali Fakeman visited the front on Monday.\n\n"
            "“We will retake every village in the province,” Fakeman said.")
    assert speakers(nlp, text) == ["Ali Fakeman"]


def test_gazetteer_canonical_name(nlp):
    text = "“We will not allow new attacks on our posts,” Turkish Foreign Minister Mevlut Cavusoglu said."
    assert speakers(nlp, text) == ["Mevlut Cavusoglu"]


def test_issuing_body_said_in_a_statement(nlp):
    text = ("A deal was reached on “a ceasefire from six in the morning”, "
            "the Northern Peace Council said in a statement.")
    assert speakers(nlp, text) == ["Northern Peace Council"]


def test_statement_refers_back_to_issuing_body(nlp):
    text = ("A deal was reached on “a ceasefire from six in the morning”, "
            "the Northern Peace Council said in a statement.\n\n"
            "The statement said the truce aimed “to calm the whole situation down” in the area.")
    assert speakers(nlp, text) == ["Northern Peace Council", "Northern Peace Council"]


def test_statement_issued_by(nlp):
    text = "According to a statement issued by the Northern Peace Council, «the truce starts at dawn tomorrow morning»."
    assert speakers(nlp, text) == ["Northern Peace Council"]


def test_second_quote_of_sentence_keeps_speaker(nlp):
    text = ("The statement by the Northern Peace Council said the truce aimed “to calm the whole situation” and urged "
            "fighters to “lay down their arms right now”.")
    assert speakers(nlp, text) == ["Northern Peace Council", "Northern Peace Council"]


def test_anonymous_source(nlp):
    text = "In detail, a Syrian military source said: “Our forces continued their operations in the area.”"
    assert speakers(nlp, text) == ["Syrian military source"]


def test_the_source_refers_back(nlp):
    text = ("A Syrian military source said: “Our forces continued their operations in the area.”\n\n"
            'The source added, "Our forces are still pursuing the enemy everywhere."')
    assert speakers(nlp, text) == ["Syrian military source", "Syrian military source"]


def test_pronoun_refers_to_last_person(nlp):
    text = ("“The violence is indiscriminate and it is everywhere,” Jane Fakename said.\n\n"
            "“Hospitals and schools have been hit,” she added.")
    assert speakers(nlp, text) == ["Jane Fakename", "Jane Fakename"]


def test_interrupted_quote_keeps_speaker(nlp):
    text = "“We will hold the town,” Jane Fakename said. “Nobody is going to leave it now.”"
    assert speakers(nlp, text) == ["Jane Fakename", "Jane Fakename"]


def test_unattributed_quote_has_no_speaker(nlp):
    text = 'Some call it a security chaos due to "multiple control between the parties and the weapons."'
    assert speakers(nlp, text) == [None]


def test_participle_clause_is_not_the_speaker(nlp):
    text = "A senior official, speaking on condition of anonymity, said “the talks have completely failed now”."
    assert speakers(nlp, text) == ["senior official"]


def test_according_to_report_takes_its_issuer(nlp):
    text = 'According to a UN report in May, "assassinations affect fighters who agreed to a settlement."'
    assert speakers(nlp, text) == ["United Nations"]


def test_works_without_blocks_component():
    nlp = spacy.blank("en")
    nlp.add_pipe("wb_quotes")
    doc = nlp("He said “we will never leave this place” and left.")
    assert [r["text"] for r in quotes.records(doc)] == ["we will never leave this place"]


# ---------------------------------------------------------------------------------------------- gold-dev targets


def _score(folder, gold_dir) -> pd.Series:
    scores = evaluate_dir(folder, gold_dir, tables=("quotes",))["scores"]
    return scores.set_index("table").loc["quotes"]


def test_gold_dev_rules(seeds_rules, gold_dir):
    row = _score(seeds_rules, gold_dir)
    assert row["span_f1"] >= 0.95
    assert row["f1"] >= 0.95
    assert row["label_accuracy"] >= 0.90


@pytest.mark.slow
def test_gold_dev_model(seeds_model, gold_dir):
    row = _score(seeds_model, gold_dir)
    assert row["span_f1"] >= 0.95
    assert row["f1"] >= 0.95
    assert row["label_accuracy"] >= 0.90


def test_rows_sorted_and_offsets_exact(seeds_rules):
    from workbench.corpus import iter_articles
    from workbench.config import SEEDS_DIR
    from workbench.tables import read_table

    df = read_table(seeds_rules, "quotes")
    texts_by_id = {a.id: a.text for a in iter_articles(SEEDS_DIR)}
    assert len(df) > 0
    for r in df.itertuples():
        assert texts_by_id[r.article_id][r.start:r.end] == r.text


def test_according_to_after_quote(nlp):
    text = '"Our troops will respond to any provocation at once," according to the Northern Peace Council.'
    assert speakers(nlp, text) == ["Northern Peace Council"]


def test_known_body_after_modifiers(nlp):
    text = '"Dozens of people were killed in the raids," said the Britain-based Syrian Observatory for Human Rights.'
    assert speakers(nlp, text) == ["Syrian Observatory for Human Rights"]


def test_role_refers_back_to_named_person(nlp):
    text = ("“The operation will go on until the end,” Colonel Ahmad Fakeman, a commander in the army, told TV.\n\n"
            "“We have no other choice left now,” the commander added.")
    assert speakers(nlp, text) == ["Ahmad Fakeman", "Ahmad Fakeman"]


def test_statement_with_no_body_named_has_no_speaker(nlp):
    assert speakers(nlp, "“We strongly condemn these attacks on civilians,” the statement read.") == [None]


def test_text_whose_lowercase_changes_length(nlp):
    text = "“We will never leave İdlib to anyone,” Jane Fakename said."
    assert len(text.lower()) != len(text)
    rows = run(nlp, text)
    assert [(r["text"], r["speaker"]) for r in rows] == [("We will never leave İdlib to anyone,", "Jane Fakename")]


def test_headline_colon_attribution(nlp):
    assert speakers(nlp, "Erdogan: “Turkey will respond to any attack”\n\nBody text follows here.") == [
        "Recep Tayyip Erdogan"]


def test_it_refers_back_to_body(nlp):
    text = ("The Northern Peace Council issued a statement on Monday.\n\n"
            "“The truce will hold across the whole zone,” the Northern Peace Council said.\n\n"
            "“Violations will be answered at once,” it said.")
    assert speakers(nlp, text) == ["Northern Peace Council", "Northern Peace Council"]


# --------------------------------------------------------------------------------- pronouns after reported speech


@pytest.fixture(scope="module")
def nlp_ents():
    return blank_with("wb_entities", "wb_quotes")


def test_pronoun_refers_to_a_person_named_in_reported_speech(nlp_ents):
    text = ("Turkish Foreign Minister Mevlut Cavusoglu said Ankara would keep its troops in place. "
            "\u201cWe are not there because we cannot leave, but because we do not want to leave,\u201d he told reporters.")
    assert [r["speaker"] for r in run(nlp_ents, text)] == ["Mevlut Cavusoglu"]


def test_pronoun_prefers_the_person_named_last(nlp_ents):
    text = ("\u201cThe talks will go on for as long as needed,\u201d said Sergey Lavrov. "
            "Mevlut Cavusoglu said Ankara disagreed. \u201cWe will not accept this at all,\u201d he added.")
    assert [r["speaker"] for r in run(nlp_ents, text)] == ["Sergei Lavrov", "Mevlut Cavusoglu"]


def test_person_named_inside_a_quote_is_not_the_pronoun_referent(nlp_ents):
    text = ("Mevlut Cavusoglu told reporters in Ankara about the talks. "
            "\u201cWe met Vladimir Putin, who said the attacks must stop now,\u201d he said.")
    assert [r["speaker"] for r in run(nlp_ents, text)] == ["Mevlut Cavusoglu"]


def test_the_source_refers_to_a_source_introduced_in_reported_speech(nlp):
    text = ("A military source told the state news agency that army units had entered the town. "
            "\u00abThe terrorist organizations are using civilians as human shields\u00bb, the source said.")
    assert [r["speaker"] for r in run(nlp, text)] == ["military source"]


def test_a_source_named_inside_a_quote_is_not_a_referent(nlp):
    text = ("\u201cWe heard it from a local source in the town last night,\u201d the official said. "
            "\u201cThe roads have been closed since the morning,\u201d the source said.")
    assert [r["speaker"] for r in run(nlp, text)] == ["official", "official"]


def test_a_name_met_in_passing_is_not_the_pronoun_referent(nlp_ents):
    text = ("\u201cWe will keep fighting for our land,\u201d said Mustafa Bakour. "
            "His group has fought near towns that Vladimir Putin once promised to spare. "
            "\u201cWe will not leave this place,\u201d he added.")
    assert [r["speaker"] for r in run(nlp_ents, text)] == ["Mustafa Bakour", "Mustafa Bakour"]


def test_the_centre_refers_to_a_body_named_in_reported_speech(nlp_ents):
    text = ("The army will cease fire from Saturday, the Russian Centre for Reconciliation said on Friday.\n\n"
            "\u201cWe call on all armed groups to join the peace process now,\u201d the centre said in a statement.")
    assert [r["speaker"] for r in run(nlp_ents, text)] == ["Russian Reconciliation Centre"]


def test_quoted_as_saying_after_the_quote_names_the_one_quoted(nlp):
    text = ("The army denied targeting civilians. \u201cOur forces only strike terrorist positions,\u201d state "
            "television quoted a military source as saying.")
    assert [r["speaker"] for r in run(nlp, text)] == ["military source"]
