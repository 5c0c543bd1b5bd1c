"""Voice of designations: quoted > reported > syndicated > own, per article and with wire-copy tracing."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench import reuse, voice
from workbench.tables import read_table


def _voice_of(text: str, word: str, quotes: list[dict] | None = None) -> tuple[str, str | None]:
    """Voice and speaker of the first `word` in a one-sentence article."""
    start = text.index(word)
    row = {"article_id": "a", "start": start, "end": start + len(word), "sent_start": 0, "sent_end": len(text)}
    sents = [{"article_id": "a", "start": 0, "end": len(text)}]
    (out,) = voice.assign([row], quotes or [], sents, text)
    return out["voice"], out["voice_speaker"]


@pytest.mark.parametrize("text, speaker", [
    ("The interior ministry said the terrorists had fled north.", "The interior ministry"),
    ("According to SANA, terrorists shelled a school.", "SANA"),
    ("The terrorists shelled a school, the state agency said.", "the state agency"),
    ("Local councils accused Damascus of arming terrorists, said Ahmad Khalil.", "Ahmad Khalil"),
])
def test_reported_speech_names_its_source(text, speaker):
    assert _voice_of(text, "terrorists") == ("reported", speaker)


@pytest.mark.parametrize("text", ["She said the regime had lied.", "It added that the regime had lied.",
                                  "A doctor who said the regime had lied was arrested."])
def test_pronoun_source_is_reported_without_a_speaker(text):
    assert _voice_of(text, "regime") == ("reported", None)


def test_attribution_ending_a_sentence_without_its_comma():
    assert _voice_of("Ten rebels were killed in the raid said the Observatory.", "rebels") \
        == ("reported", "the Observatory")


def test_the_source_itself_is_the_outlets_word():
    assert _voice_of("The regime said the rebels had fled.", "regime")[0] == "own"


@pytest.mark.parametrize("text, agency", [
    ("DAMASCUS (Reuters) - Regime aircraft struck a market.", "Reuters"),
    ("The Associated Press reported that regime aircraft struck a market.", "AP"),
    ("Regime aircraft struck a market, according to AFP.", "AFP"),
])
def test_sentence_credited_to_an_agency_is_syndicated(text, agency):
    assert _voice_of(text, "Regime" if "Regime" in text else "regime") == ("syndicated", agency)


def test_speaking_to_an_agency_is_not_syndicated():
    assert _voice_of("A rebel commander told Reuters the regime was retreating.", "regime") \
        == ("reported", "A rebel commander")
    assert _voice_of("Regime jets struck the town Ahmad Khalil told AFP.", "Regime") == ("reported", "Ahmad Khalil")


def test_plain_narrative_and_non_speech_verbs_are_own():
    assert _voice_of("The army continued its advance on rebel towns.", "rebel") == ("own", None)
    assert _voice_of("Regime aircraft struck a market on Sunday.", "Regime") == ("own", None)


def test_quote_wins_over_reported_and_credit():
    text = "(Reuters) - The minister said: “the terrorists will be crushed by our army”."
    q = text.index("“")
    quotes = [{"start": q, "end": text.index("”") + 1, "speaker": "the minister"}]
    assert _voice_of(text, "terrorists", quotes) == ("quoted", "the minister")


def test_article_credit_line_makes_the_body_syndicated():
    text = "Regime jets struck Idlib.\nReuters contributed to this report."
    row = {"article_id": "a", "start": 0, "end": 6, "sent_start": 0, "sent_end": 25}
    (out,) = voice.assign([row], [], [{"start": 0, "end": 25}], text)
    assert (out["voice"], out["voice_speaker"]) == ("syndicated", "Reuters")


def test_apply_reuse_marks_own_rows_in_aligned_spans_only():
    mentions = pd.DataFrame({"article_id": ["a", "a", "a", "b"], "start": [5, 50, 7, 105], "end": [10, 55, 12, 110],
                             "voice": ["own", "own", "quoted", "own"], "voice_speaker": [None, None, "X", None]})
    pairs = pd.DataFrame({"article_a": ["a", "a"], "start_a": [0, 40], "end_a": [20, 60], "article_b": ["b", "b"],
                          "start_b": [100, 0], "end_b": [120, 20], "similarity": [0.95, 0.7]})
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["one", "two"]})
    out = voice.apply_reuse(mentions, pairs, articles)
    assert out["voice"].tolist() == ["syndicated", "own", "quoted", "syndicated"]
    same = voice.apply_reuse(mentions, pairs, articles.assign(outlet="one"))
    assert same["voice"].tolist() == mentions["voice"].tolist()


def test_seeds_inside_quotes_is_quoted_and_only_there(seeds_rules):
    mentions = read_table(seeds_rules, "mentions")
    quotes = read_table(seeds_rules, "quotes")
    assert set(mentions["voice"]) <= set(voice.VOICES)
    merged = mentions.reset_index().merge(quotes[["article_id", "start", "end"]], on="article_id",
                                          suffixes=("", "_q"))
    inside = set(merged[(merged["start_q"] <= merged["start"]) & (merged["end"] <= merged["end_q"])]["index"])
    assert inside, "the seeds quote designations"
    is_quoted = set(mentions.index[mentions["voice"] == "quoted"])
    assert is_quoted == inside
    assert mentions.loc[sorted(inside), "voice_speaker"].notna().all()


def test_seeds_shared_reuters_sentences_are_syndicated(seeds_rules):
    mentions = read_table(seeds_rules, "mentions")
    articles = read_table(seeds_rules, "articles")
    pairs, _ = reuse.reuse_tables(seeds_rules)
    out = voice.apply_reuse(mentions, pairs, articles)
    strong = pairs[pairs["similarity"] >= voice.REUSE_MIN_SIMILARITY]
    assert not strong.empty
    n_inside = 0
    for p in strong.itertuples():
        for aid, s, e in ((p.article_a, p.start_a, p.end_a), (p.article_b, p.start_b, p.end_b)):
            rows = out[(out["article_id"] == aid) & (out["start"] >= s) & (out["end"] <= e)]
            assert (rows["voice"] != "own").all()
            n_inside += len(rows)
    assert n_inside > 0, "the shared sentences hold designations"
