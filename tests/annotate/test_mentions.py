"""Designations -> actors (wb_mentions): codebook patterns, actor resolution, block restriction, gold-dev target.

The sentences are written for these tests (not taken from the seeds); each checks one resolution rule.
"""
from __future__ import annotations

import pytest

import workbench.annotate  # noqa: F401  (registers the factories)
from workbench.annotate import mentions
from workbench.annotate.base import make_doc
from workbench.annotate.pipeline import build_pipeline

LEAD = "Report\n\n"  # a headline line first, so the test sentence is a body block


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline("rules", components=("wb_entities", "wb_mentions"))


def found(nlp, sentence: str) -> list[tuple[str, str, str]]:
    """(surface, term, actor) of every designation in one body sentence."""
    doc = nlp(make_doc(nlp, LEAD + sentence, article_id="t"))
    return [(s.text, s.label_, s.id_) for s in doc.spans["wb_mentions"]]


# --- codebook_to_patterns ---------------------------------------------------------------------------------------

def test_codebook_to_patterns_one_pattern_per_variant(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(
        "version: '9'\nterms:\n"
        "  rebels: {variants: [rebels, rebel], default: ARMED_OPPOSITION}\n"
        "  forces: {variants: [forces], default: SYRIAN_STATE, guarded: {force: [main]}}\n",
        encoding="utf-8",
    )
    pats = mentions.codebook_to_patterns(path)
    assert pats == [
        {"label": "rebels", "pattern": "rebels", "id": "rebels"},
        {"label": "rebels", "pattern": "rebel", "id": "rebels"},
        {"label": "forces", "pattern": "forces", "id": "forces"},
        {"label": "forces", "pattern": "force", "id": "forces"},
    ]


def test_codebook_covers_every_codebook_term():
    terms = {p["id"] for p in mentions.codebook_to_patterns()}
    assert terms == {
        "regime", "government", "army", "troops", "forces", "soldiers", "loyalists", "liberation", "rebels",
        "opposition", "militants", "terrorists", "jihadists", "extremists", "insurgents", "fighters", "factions",
        "militias", "freedom fighters", "revolutionaries", "takfiri", "armed groups", "defectors",
    }


def test_codebook_has_a_version():
    assert mentions.load_codebook().version == "3.0"


# --- actor resolution ------------------------------------------------------------------------------------------

def test_nationality_regime_forces_are_two_mentions(nlp):
    assert found(nlp, "Syrian regime forces shelled the town on Monday.") == [
        ("regime", "regime", "SYRIAN_STATE"), ("forces", "forces", "SYRIAN_STATE")]


def test_anti_government_fighters(nlp):
    assert found(nlp, "The statement called on anti-government fighters to lay down their arms.") == [
        ("government", "government", "SYRIAN_STATE"), ("fighters", "fighters", "ARMED_OPPOSITION")]


def test_rebel_held_spans_the_term_only(nlp):
    assert found(nlp, "Aid reached several rebel-held villages.") == [("rebel", "rebels", "ARMED_OPPOSITION")]


def test_iranian_backed_militias(nlp):
    assert found(nlp, "Iranian-backed militias joined the push.") == [("militias", "militias", "IRAN_AXIS")]


def test_turkey_backed_rebel_groups(nlp):
    assert found(nlp, "Turkey-backed rebel groups hold the north.") == [("rebel", "rebels", "ARMED_OPPOSITION")]


def test_jihadist_terror_cells(nlp):
    assert found(nlp, "Police raided jihadist terror cells near the border.") == [
        ("jihadist", "jihadists", "JIHADISTS"), ("terror", "terrorists", "JIHADISTS")]


def test_the_us_regime(nlp):
    assert found(nlp, "The minister attacked the US regime over sanctions.") == [("regime", "regime", "USA")]


def test_russian_special_forces(nlp):
    assert found(nlp, "Witnesses saw Russian special forces near the airport.") == [("forces", "forces", "RUSSIA")]


def test_iranian_backed_freedom_fighters_is_one_term(nlp):
    assert found(nlp, "Iranian-backed freedom fighters entered the city.") == [
        ("freedom fighters", "freedom fighters", "IRAN_AXIS")]


def test_russia_backed_syrian_liberation_troops(nlp):
    assert found(nlp, "Russia-backed Syrian liberation troops advanced overnight.") == [
        ("liberation", "liberation", "SYRIAN_STATE"), ("troops", "troops", "SYRIAN_STATE")]


def test_russian_backed_troops_are_the_syrian_state(nlp):
    assert found(nlp, "A new wave of Russian-backed troops arrived.") == [("troops", "troops", "SYRIAN_STATE")]


def test_army_defectors(nlp):
    assert found(nlp, "Two army defectors spoke to reporters.") == [
        ("army", "army", "SYRIAN_STATE"), ("defectors", "defectors", "ARMED_OPPOSITION")]


def test_the_assad_regime(nlp):
    assert found(nlp, "The Assad regime denied the claim.") == [("regime", "regime", "SYRIAN_STATE")]


def test_turkish_troops(nlp):
    assert found(nlp, "Turkish troops crossed the frontier.") == [("troops", "troops", "TURKEY")]


def test_backer_named_after_the_term(nlp):
    assert found(nlp, "Villagers fled as factions backed by Iran moved in.") == [("factions", "factions", "IRAN_AXIS")]


def test_fighters_from_a_named_group(nlp):
    assert found(nlp, "Dozens of fighters from Hezbollah crossed the border.") == [("fighters", "fighters", "IRAN_AXIS")]


@pytest.mark.parametrize("text,term,actor", [
    ("Militants in Syria's Idlib fired on army positions.", "militants", "ARMED_OPPOSITION"),
    ("Fighters in regime-held areas were arrested.", "fighters", "ARMED_OPPOSITION"),
    ("Fighters in Hayat Tahrir al-Sham refused to withdraw.", "fighters", "JIHADISTS"),
    ("Turkish troops in Syria were reinforced.", "troops", "TURKEY"),
])
def test_a_place_after_in_says_where_not_whose(nlp, text, term, actor):
    assert (term.rstrip("s"), term, actor) in [(s.lower().rstrip("s"), t, a) for s, t, a in found(nlp, text)]


def test_possessive_pronoun_refers_to_the_state_named_before(nlp):
    assert found(nlp, "Turkey plans to pull some of its troops out of the province.") == [("troops", "troops", "TURKEY")]


def test_state_that_sends_the_unit(nlp):
    assert found(nlp, "Moscow has quietly sent more special forces to the front.") == [("forces", "forces", "RUSSIA")]


def test_unit_sent_by_a_state_named_by_its_army(nlp):
    assert found(nlp, "The Turkish army dispatched extra soldiers to the border.") == [
        ("army", "army", "TURKEY"), ("soldiers", "soldiers", "TURKEY")]


def test_allied_militias_fight_on_the_government_side(nlp):
    assert found(nlp, "Government forces and allied militias pressed on.")[-1] == ("militias", "militias", "SYRIAN_STATE")


def test_militias_loyal_to_the_regime(nlp):
    assert found(nlp, "Militias loyal to the regime looted the town.")[0] == ("Militias", "militias", "SYRIAN_STATE")


def test_government_of_another_state_is_other_state(nlp):
    assert found(nlp, "The Lebanese government protested.") == [("government", "government", "OTHER_STATE")]
    assert found(nlp, "Lebanon's army closed the crossing.") == [("army", "army", "OTHER_STATE")]


def test_definite_militants_refer_back_to_a_named_jihadist_group(nlp):
    assert found(nlp, "HTS controls the city. The militants rejected the truce.") == [
        ("militants", "militants", "JIHADISTS")]


# --- the referent rule ------------------------------------------------------------------------------------------

def test_terror_word_aimed_at_the_whole_opposition_is_armed_opposition(nlp):
    assert found(nlp, "The military said the hills were cleared of terrorism.") == [
        ("terrorism", "terrorists", "ARMED_OPPOSITION")]


def test_militants_set_against_rebels_are_jihadists(nlp):
    assert found(nlp, "The state has fought rebels and militants for years.") == [
        ("rebels", "rebels", "ARMED_OPPOSITION"), ("militants", "militants", "JIHADISTS")]


def test_terror_word_next_to_a_named_jihadist_group(nlp):
    assert found(nlp, "Washington lists HTS as a terrorist organisation.") == [("terrorist", "terrorists", "JIHADISTS")]


def test_armed_groups_in_the_region_are_armed_opposition(nlp):
    assert found(nlp, "Moscow urged armed groups in the region to accept the truce.") == [
        ("armed groups", "armed groups", "ARMED_OPPOSITION")]


def test_militias_without_a_cue_are_unknown(nlp):
    assert found(nlp, "Unidentified militias looted the market.") == [("militias", "militias", "UNKNOWN")]


# --- what is not a designation -----------------------------------------------------------------------------------

def test_proper_names_are_not_designations(nlp):
    assert found(nlp, "Units of the Tiger Forces moved north.") == []
    assert found(nlp, "A spokesman for the Army of Conquest spoke.") == []


def test_capitalised_term_after_a_nationality_is_a_designation(nlp):
    assert found(nlp, "Witnesses said the Syrian Army shelled the town.") == [("Army", "army", "SYRIAN_STATE")]


def test_descriptive_word_inside_a_name_phrase_counts(nlp):
    assert found(nlp, "A commander in the Jaish al-Izza rebel group spoke.") == [("rebel", "rebels", "ARMED_OPPOSITION")]


def test_singular_force_only_for_an_armed_actor(nlp):
    assert found(nlp, "The town was taken by force.") == []
    assert found(nlp, "Attacks were blamed on HTS, the dominant force in the province.") == [
        ("force", "forces", "JIHADISTS")]


def test_singular_force_guard_word_must_be_in_its_sentence(nlp):
    assert found(nlp, "The decision was taken by the military. Force was never an option, he said.") == []


@pytest.mark.parametrize("text,term", [("UN troops were deployed.", "troops"),
                                       ("Peacekeepers from UNDOF and UN troops were deployed.", "troops")])
def test_named_group_outside_the_codebook_makes_the_actor_unknown(nlp, text, term):
    assert [(t, a) for _, t, a in found(nlp, text)] == [(term, "UNKNOWN")]


@pytest.mark.parametrize("text,term,actor", [("Russian occupation forces shelled the town.", "forces", "RUSSIA"),
                                             ("Iran-backed sectarian militias advanced.", "militias", "IRAN_AXIS"),
                                             ("Iran-backed Shiite militias advanced.", "militias", "IRAN_AXIS")])
def test_stance_words_inside_the_noun_phrase_keep_the_owner(nlp, text, term, actor):
    assert [(t, a) for _, t, a in found(nlp, text)] == [(term, actor)]


def test_ceasefire_regime_is_not_a_designation(nlp):
    assert found(nlp, "Moscow said the ceasefire regime was violated twice.") == []


def test_forces_as_a_verb_is_not_a_designation(nlp):
    assert found(nlp, "The shelling forces civilians to flee north.") == []


def test_linked_modifier_takes_the_named_group(nlp):
    assert found(nlp, "Al-Qaeda-linked militants attacked the post.") == [("militants", "militants", "JIHADISTS")]


def test_liberation_only_as_a_modifier_of_an_armed_noun(nlp):
    assert found(nlp, "Crowds celebrated the liberation of the city.") == []


# --- records ------------------------------------------------------------------------------------------------------

ARTICLE = """Rebels seize hilltop from government forces

Rebels said on Monday they had captured a hilltop from government forces.

Rebel fighters stand near a tank in the province, May 3, 2020. (Reuters)

1 Comment
Anonymous reader
The rebels are terrorists and the army will win.
"""


def test_records_only_in_headline_body_and_subheading(nlp):
    doc = nlp(make_doc(nlp, ARTICLE, article_id="a1"))
    rows = mentions.records(doc)
    assert {r["block_kind"] for r in rows} == {"headline", "body"}
    caption_start = ARTICLE.index("Rebel fighters")
    assert not any(caption_start <= r["start"] for r in rows)  # nothing from the caption or the comments


def test_records_offsets_and_sentence_bounds(nlp):
    doc = nlp(make_doc(nlp, ARTICLE, article_id="a1"))
    rows = mentions.records(doc)
    assert len(rows) == 6
    for r in rows:
        assert ARTICLE[r["start"]:r["end"]] == r["surface"]
        assert r["sent_start"] <= r["start"] < r["end"] <= r["sent_end"]
        assert r["article_id"] == "a1"


# --- gold-dev target -------------------------------------------------------------------------------------------------

def _mentions_f1(out_dir, gold_dir) -> float:
    from workbench.evaluate import evaluate_dir

    scores = evaluate_dir(out_dir, gold_dir, tables=("mentions",))["scores"]
    return float(scores.loc[scores.table == "mentions", "f1"].iloc[0])


def test_gold_dev_mentions_rules(seeds_rules, gold_dir):
    assert _mentions_f1(seeds_rules, gold_dir) >= 0.95


@pytest.mark.slow
def test_gold_dev_mentions_model(seeds_model, gold_dir):
    assert _mentions_f1(seeds_model, gold_dir) >= 0.95


# --- helpers ---------------------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ranges = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 5)).map(lambda r: (r[0], r[0] + r[1])), max_size=12)


@settings(max_examples=300, deadline=None)
@given(_ranges)
def test_union_covers_the_same_tokens_sorted_and_disjoint(ranges):
    merged = mentions._union(ranges)
    assert {i for s, e in merged for i in range(s, e)} == {i for s, e in ranges for i in range(s, e)}
    assert all(a[1] <= b[0] for a, b in zip(merged, merged[1:]))


@settings(max_examples=300, deadline=None)
@given(_ranges, _ranges)
def test_inside_flags_terms_sharing_a_token_with_a_name(terms, names):
    taken = {i for s, e in names for i in range(s, e)}
    spans = [mentions.Term(s, e, "forces", 0) for s, e in sorted(terms)]
    expected = [any(i in taken for i in range(t.start, t.end)) for t in spans]
    assert mentions._inside(spans, mentions._union(names)) == expected


def test_capitalised_term_after_another_term_is_no_name(nlp):
    # "Golden Forces" reads as a unit's name; in "Regime Forces" the capital before "Forces" is itself a term
    assert found(nlp, "They said Golden Forces attacked the town.") == []
    assert found(nlp, "They said Regime Forces attacked the town.") == [
        ("Regime", "regime", "SYRIAN_STATE"), ("Forces", "forces", "SYRIAN_STATE")]


def test_spans_stay_readable_across_memory_zones():
    # hashes the components cache must be permanent strings, not ones a zone drops on exit
    nlp = build_pipeline("rules", components=("wb_entities", "wb_mentions"))
    text = LEAD + "Iranian-backed militias and Hezbollah fighters attacked rebels near Idlib."
    seen = []
    for _ in range(2):
        with nlp.memory_zone():
            doc = nlp(make_doc(nlp, text, article_id="t"))
            seen.append(([(s.text, s.label_, s.id_) for s in doc.spans["wb_mentions"]],
                         [(s.text, s.label_, s.kb_id_, s.id_) for s in doc.spans["wb_entities"]]))
    assert seen[0] == seen[1]
    assert ("militias", "militias", "IRAN_AXIS") in seen[0][0]


# --- codebook v3: other states, Kurdish forces, aircraft, names, Title Case, generic terror words ---------------

def rows(nlp, sentence: str) -> list[tuple[str, str, str | None]]:
    """(surface, actor, actor_detail) of every mentions row of one body sentence."""
    doc = nlp(make_doc(nlp, LEAD + sentence, article_id="t"))
    return [(r["surface"], r["actor"], r["actor_detail"]) for r in mentions.records(doc)]


@pytest.mark.parametrize("text, expected", [
    ("The UK government said it would send aid.", [("government", "OTHER_STATE", "United Kingdom")]),
    ("Iraqi forces crossed into the desert.", [("forces", "OTHER_STATE", "Iraq")]),
    ("The Israeli army struck a convoy.", [("army", "OTHER_STATE", "Israel")]),
    ("A US government shutdown delayed the aid.", [("government", "USA", None)]),
    ("Egypt's government condemned the raid.", [("government", "OTHER_STATE", "Egypt")]),
])
def test_other_states_never_default_to_the_syrian_state(nlp, text, expected):
    assert rows(nlp, text) == expected


@pytest.mark.parametrize("text", ["Kurdish Asayesh security forces arrested two men.", "SDF fighters took the dam.",
                                  "YPG fighters held the hill.", "Kurdish fighters pushed east."])
def test_kurdish_forces(nlp, text):
    assert [a for _, a, _ in rows(nlp, text)] == ["KURDISH_FORCES"]


@pytest.mark.parametrize("text", ["Syrian fighter jets struck the town.", "A Su-34 fighter-bomber crashed.",
                                  "Russian jet fighters flew over the border."])
def test_aircraft_are_no_designation(nlp, text):
    assert rows(nlp, text) == []


def test_fighters_on_the_ground_still_designate(nlp):
    assert rows(nlp, "Fighters entered the village.") == [("Fighters", "ARMED_OPPOSITION", None)]


def test_descriptive_word_inside_a_name(nlp):
    assert rows(nlp, "Units of the Syrian Arab Army took the hill.") == [("Army", "SYRIAN_STATE", None)]
    assert rows(nlp, "Units of the Tiger Forces took the hill.") == []


def test_title_case_text_is_read_as_words(nlp):
    got = rows(nlp, "Then Syrian Army Kills Top Terrorist Commander In Daraa Province.")
    assert [(s, a) for s, a, _ in got] == [("Army", "SYRIAN_STATE"), ("Terrorist", "ARMED_OPPOSITION")]


@pytest.mark.parametrize("text, actor", [
    ("A terrorist attack killed five people.", "UNKNOWN"),
    ("The fight against terrorism goes on.", "UNKNOWN"),
    ("He warned of terror in Europe.", "UNKNOWN"),
    ("Protesters denounced the terrorist Assad.", "SYRIAN_STATE"),
    ("Protesters denounced Assad's terror.", "SYRIAN_STATE"),
    ("Protesters denounced Assads terror.", "SYRIAN_STATE"),
    ("The statement condemned Russian state terrorism.", "RUSSIA"),
    ("The army cleared the area of terrorists.", "ARMED_OPPOSITION"),
])
def test_generic_terror_words_take_the_perpetrator_the_text_gives(nlp, text, actor):
    assert [a for s, a, _ in rows(nlp, text) if s.lower().startswith("terror")] == [actor]


def test_a_place_before_a_possessive_does_not_own_the_term(nlp):
    assert rows(nlp, "Fighters from Lebanon's Iranian-backed Hezbollah arrived.") == [("Fighters", "IRAN_AXIS", None)]


@pytest.mark.parametrize("text, expected", [
    ("A Kurdish-led Democratic Forces (SDF) fighter walked in.", [("fighter", "KURDISH_FORCES", None)]),
    ("Islamists and Kurdish militants have clashed since 2012.", [("militants", "KURDISH_FORCES", None)]),
    ("He compared the strikes to Nazi forces in the 1930s.", [("forces", "OTHER_STATE", "Germany")]),
    ("A US-led anti-terror coalition struck the town.", [("terror", "UNKNOWN", None)]),
])
def test_owner_kinds_found_on_real_text(nlp, text, expected):
    assert rows(nlp, text) == expected


def test_a_stripped_possessive_names_a_jihadist_group(nlp):
    got = rows(nlp, "Tabqa lies near Daeshs capital. In Iraq the extremist group is losing ground.")
    assert got == [("extremist", "JIHADISTS", None)]


@pytest.mark.parametrize("text, expected", [
    ("The alliance of Kurdish and Arab fighters broke into the town.", [("fighters", "KURDISH_FORCES", None)]),
    ("A terrorist rocket attack hit the market.", [("terrorist", "UNKNOWN", None)]),
    ("Three died in a terrorist car bomb attack.", [("terrorist", "UNKNOWN", None)]),
    ("Russia has lost 12 soldiers in the war.", [("soldiers", "RUSSIA", None)]),
    ("Villagers are joining forces with the army.", [("army", "SYRIAN_STATE", None)]),
    ("Turkey-backed militants shelled the town.", [("militants", "ARMED_OPPOSITION", None)]),
])
def test_more_kinds_found_on_real_text(nlp, text, expected):
    assert rows(nlp, text) == expected


def test_a_state_name_as_adjective_owns_no_term_that_takes_no_nationality(nlp):
    assert rows(nlp, "Then eight Syria militants surrendered.") == [("militants", "ARMED_OPPOSITION", None)]


@pytest.mark.parametrize("text, expected", [
    ("The army and militias shelled the town.", [("army", "SYRIAN_STATE", None), ("militias", "SYRIAN_STATE", None)]),
    ("A blast killed fighters from Syrian opposition groups.",
     [("fighters", "ARMED_OPPOSITION", None), ("opposition", "ARMED_OPPOSITION", None)]),
    ("Two died in terrorist rocket and sniper attacks.", [("terrorist", "UNKNOWN", None)]),
])
def test_coordination_and_post_modifiers(nlp, text, expected):
    assert rows(nlp, text) == expected
