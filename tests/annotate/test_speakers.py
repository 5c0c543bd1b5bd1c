"""Speakers from the dependency parse (speakers.py), names inside title phrases and pronoun gender (referents.py),
and the quote rules that both pipelines share for them. Sentences are our own."""
from __future__ import annotations

import pytest

import workbench.annotate  # noqa: F401  (registers factories)
from workbench.annotate import quotes, referents
from workbench.annotate.base import make_doc
from workbench.annotate.pipeline import cached_pipeline

from .conftest import blank_with


@pytest.fixture(scope="module")
def model():
    return cached_pipeline("en_core_web_sm")


@pytest.fixture(scope="module")
def rules():
    return blank_with("wb_entities", "wb_quotes")


def speakers_of(nlp, text: str) -> list[str | None]:
    return [r["speaker"] for r in quotes.records(nlp(make_doc(nlp, text, article_id="t")))]


# --- the parse ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, want", [
    ("\u201cWe are ready to talk at any time,\u201d said Jane Doe, the envoy of the council.", ["Jane Doe"]),
    ("\u201cThe road will reopen within the week,\u201d Marta Silva, the mayor of the town, told reporters.",
     ["Marta Silva"]),
    ("\u201cThe wounded were taken to the clinic,\u201d said Omar Haddad director of the hospital.", ["Omar Haddad"]),
    ("The agency quoted a police source as saying \u201cthe suspect was arrested near the border\u201d.",
     ["police source"]),
])
def test_the_parse_finds_the_speech_verb_and_its_subject(model, text, want):
    assert speakers_of(model, text) == want


def test_partial_quote_in_reported_speech_takes_the_reporting_subject(model):
    text = "Governor Ana Ruiz said on Friday that the plan aimed \u201cto rebuild every school in the valley\u201d."
    assert speakers_of(model, text) == ["Ana Ruiz"]


def test_she_goes_to_the_woman_named_not_the_man_named_last(model):
    text = ("Maria Lopez, who runs the shelter, said her staff were exhausted. She met Peter Brandt on Monday and "
            "he promised help. \u201cWe need more beds before the winter comes,\u201d she said.")
    assert speakers_of(model, text) == ["Maria Lopez"]


def test_the_statement_refers_to_the_body_that_issued_it(model):
    text = ("On Monday, Harbor Shipping Group issued a statement about the strike. The strike began last week. "
            "\u201cWe regret the delays caused to all our customers,\u201d the statement read.")
    assert speakers_of(model, text) == ["Harbor Shipping Group"]


# --- shared rules ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase, name", [
    ("U.S. Attorney Nealy Vance", "Nealy Vance"),
    ("White House Press Secretary Dana Moss", "Dana Moss"),
    ("Omar Haddad Executive Director", "Omar Haddad"),
    ("Omar Haddad director of the clinic", "Omar Haddad"),
    ("When Patrick", "Patrick"),
    ("Noem later", "Noem"),
    ("Ahmed 24", "Ahmed"),
    ("a local media activist", None),
])
def test_a_name_is_read_out_of_titles_roles_and_clause_words(phrase, name):
    assert quotes.person_name(phrase, quotes.load_cues()) == name


def test_a_place_before_a_name_is_no_part_of_it():
    assert quotes.person_name("Ukraine Kurt Volker", quotes.load_cues(), frozenset({"ukraine"})) == "Kurt Volker"


def test_a_verb_or_a_time_is_never_a_speaker():
    cues = quotes.load_cues()
    for text in ("Speaking to reporters", "GMT", "Critically, however"):
        assert quotes.resolve(text, (0, len(text.split()[0])), quotes.Memory(text=text), cues).name is None


def test_genders_are_read_from_the_pronouns_after_a_name():
    text = "Maria Lopez said her team was ready. Peter Brandt said he would come. Lopez added that she agreed."
    people = [(0, 11, "Maria Lopez"), (37, 49, "Peter Brandt"), (73, 78, "Lopez")]
    assert referents.genders(text, people) == {"lopez": "f", "brandt": "m"}


def test_an_object_pronoun_is_no_evidence_of_gender():
    text = "Taylor Reed accused him of bullying."
    assert referents.genders(text, [(0, 11, "Taylor Reed")]) == {}


def test_an_unclosed_quote_in_a_long_paragraph_ends_at_its_sentence(rules):
    text = ("He said \u201cthe convoy will leave at dawn tomorrow. The army denied it. Residents fled the town. "
            "Aid did not arrive.")
    rows = quotes.records(rules(make_doc(rules, text, article_id="t")))
    assert [r["text"] for r in rows] == ["the convoy will leave at dawn tomorrow."]


def test_two_right_single_marks_close_a_quote(rules):
    text = "\u201cIt was an attempt to mislead voters,\u2019\u2019 Will Moy told the broadcaster."
    rows = quotes.records(rules(make_doc(rules, text, article_id="t")))
    assert [r["text"] for r in rows] == ["It was an attempt to mislead voters,"]


def test_a_paragraph_of_one_unattributed_quote_continues_the_speaker(rules):
    text = ("\u201cThe bridge will be repaired by spring,\u201d said Omar Haddad.\n\n"
            "\u201cEvery crew we have is already working on it.\u201d")
    assert speakers_of(rules, text) == ["Omar Haddad", "Omar Haddad"]


def test_an_acronym_speaker_takes_the_name_it_abbreviates():
    text = "The Valley Relief Network said the clinic closed. The VRN said it would reopen."
    i = text.index("VRN")
    assert quotes.resolve(text, (i, i + 3), quotes.Memory(text=text), quotes.load_cues()).name == \
        "Valley Relief Network"


def test_a_name_before_an_indefinite_role_without_commas_is_the_speaker():
    text = "Abu Karim al-Sayed a local media activist told reporters."
    span = (0, text.index(" told"))
    assert quotes.resolve(text, span, quotes.Memory(text=text), quotes.load_cues()).name == "Abu Karim al-Sayed"
