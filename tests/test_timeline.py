"""timeline.py: the `timeline` and `figure_claims` tables, their plots and explorer, on made-up tables and seeds."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from matplotlib.figure import Figure

from workbench import plots, timeline as tl
from workbench.tables import read_table
from workbench.widgets import TimelineFilter, timeline_explorer, timeline_view

PUB = dt.date(2019, 8, 30)


# --- tiny made-up tables ------------------------------------------------------------------------------------------

def articles(*rows: tuple[str, str | None, dt.date | None]) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": a, "outlet": o, "published": p, "n_words": 100} for a, o, p in rows])


def sentences(*rows: tuple[str, int, str]) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": a, "start": s, "end": s + len(t), "block_kind": "body", "text": t}
                         for a, s, t in rows])


def figure(aid: str, sentence_start: int, sentence: str, surface: str, value: float, what: str,
           qualifier: str | None = None, vague: bool = False) -> dict:
    start = sentence_start + sentence.index(surface)
    return {"article_id": aid, "start": start, "end": start + len(surface), "text": surface, "value": value,
            "what": what, "unit": "people", "qualifier": qualifier, "vague": vague}


def timex_row(aid: str, sentence_start: int, sentence: str, surface: str, value: str, typ: str = "DATE") -> dict:
    start = sentence_start + sentence.index(surface)
    return {"article_id": aid, "start": start, "end": start + len(surface), "text": surface, "type": typ,
            "value": value, "mod": None, "sent_start": sentence_start, "sent_end": sentence_start + len(sentence)}


S_UN = "The UN says over 550 civilians have been killed since the offensive began in late April."
S_OTHER = "Other groups estimate the death toll has crossed 800 since April."
S_WAR_A = "Eight years of war have killed 560,000 people."
S_WAR_B = "The war has killed more than 500,000 people since it started in 2011."


def claims_of(figs: list[dict], sents: pd.DataFrame, arts: pd.DataFrame, tx: list[dict] = ()) -> pd.DataFrame:
    timex = pd.DataFrame(list(tx), columns=["article_id", "start", "end", "text", "type", "value", "mod",
                                            "sent_start", "sent_end"])
    return tl.figure_claims_table(pd.DataFrame(figs), arts, sents, timex)


@pytest.fixture
def toll_claims() -> pd.DataFrame:
    arts = articles(("a", "Outlet A", PUB), ("b", None, PUB))
    sents = sentences(("a", 0, S_UN), ("a", 100, S_OTHER), ("a", 200, S_WAR_B), ("b", 0, S_WAR_A))
    figs = [figure("a", 0, S_UN, "over 550 civilians", 550, "civilians_killed", "over"),
            figure("a", 100, S_OTHER, "crossed 800", 800, "killed", "more than"),
            figure("a", 200, S_WAR_B, "more than 500,000 people", 500_000, "killed", "more than"),
            figure("b", 0, S_WAR_A, "560,000 people", 560_000, "killed")]
    tx = [timex_row("a", 0, S_UN, "late April", "2019-04"), timex_row("a", 100, S_OTHER, "April", "2019-04"),
          timex_row("a", 200, S_WAR_B, "2011", "2011")]
    return claims_of(figs, sents, arts, tx)


def test_credit_before_figure(toll_claims):
    assert toll_claims.set_index("text").loc["over 550 civilians", "attributed_to"] == "UN"


def test_other_groups_credited(toll_claims):
    assert toll_claims.set_index("text").loc["crossed 800", "attributed_to"] == "other groups"


def test_unattributed_figure_has_no_credit(toll_claims):
    assert toll_claims.set_index("text")["attributed_to"].isna()["560,000 people"]


def test_since_date_joins_the_scope_it_is_paired_with(toll_claims):
    groups = toll_claims.set_index("text")["claim_group"]
    assert groups["crossed 800"] == groups["over 550 civilians"] == "killed/offensive/2019-08-30"


def test_war_toll_is_its_own_group(toll_claims):
    groups = toll_claims.set_index("text")["claim_group"]
    assert groups["560,000 people"] == groups["more than 500,000 people"] == "killed/war/2019-08-30"
    assert groups["560,000 people"] != groups["crossed 800"]


def test_different_values_from_different_sources_disagree(toll_claims):
    assert toll_claims["disagrees"].tolist() == [True, True, True, True]


def test_unknown_outlet_gets_article_source_label(toll_claims):
    assert toll_claims.set_index("article_id")["outlet"]["b"] == "unknown:b"


def test_same_value_from_two_sources_agrees():
    s = "Eight years of war have killed 560,000 people."
    claims = claims_of([figure("a", 0, s, "560,000 people", 560_000, "killed"),
                        figure("b", 0, s, "560,000 people", 560_000, "killed")],
                       sentences(("a", 0, s), ("b", 0, s)), articles(("a", "A", PUB), ("b", "B", PUB)))
    assert claims["claim_group"].nunique() == 1 and not claims["disagrees"].any()


def test_two_unknown_outlets_stay_apart_and_can_disagree():
    s1, s2 = "The war has killed 500,000 people.", "The war has killed 600,000 people."
    claims = claims_of([figure("a", 0, s1, "500,000 people", 500_000, "killed"),
                        figure("b", 0, s2, "600,000 people", 600_000, "killed")],
                       sentences(("a", 0, s1), ("b", 0, s2)), articles(("a", "unknown", PUB), ("b", None, PUB)))
    assert claims["source"].tolist() == ["unknown:a", "unknown:b"] and claims["disagrees"].all()


def test_same_source_giving_two_values_does_not_disagree_with_itself():
    s = "The war has killed 500,000 people, and the conflict 510,000 people."
    claims = claims_of([figure("a", 0, s, "500,000 people", 500_000, "killed"),
                        figure("a", 0, s, "510,000 people", 510_000, "killed")],
                       sentences(("a", 0, s)), articles(("a", "A", PUB)))
    assert not claims["disagrees"].any()


def test_vague_magnitude_never_disagrees():
    s1, s2 = "The offensive has killed hundreds, the UN says.", "The offensive has killed 550 people."
    claims = claims_of([figure("a", 0, s1, "hundreds", 100, "killed", "hundreds", vague=True),
                        figure("b", 0, s2, "550 people", 550, "killed")],
                       sentences(("a", 0, s1), ("b", 0, s2)), articles(("a", "A", PUB), ("b", "B", PUB)))
    assert claims["claim_group"].nunique() == 1 and not claims["disagrees"].any()


def test_credit_after_figure_with_comma():
    s = "The offensive has killed 550 people, the UN said."
    assert tl.credited_source(s, s.index("550")) == "UN"


def test_according_to_credits_whole_sentence():
    s = "More than 60 attacks were recorded, according to the Syrian Observatory for Human Rights."
    assert tl.credited_source(s, 0) == "Syrian Observatory for Human Rights"


def test_credit_after_figure_inside_relative_clause_is_not_taken():
    s = "Half a million were uprooted in the offensive that the United Nations says has killed hundreds."
    assert tl.credited_source(s, 0) is None
    assert tl.credited_source(s, s.index("hundreds")) == "UN"


def test_unscoped_incidents_of_different_weeks_do_not_group():
    s1, s2 = "Two soldiers died in the attack.", "Six soldiers died in the attack."
    claims = claims_of([figure("a", 0, s1, "Two soldiers", 2, "soldiers_killed"),
                        figure("b", 0, s2, "Six soldiers", 6, "soldiers_killed")],
                       sentences(("a", 0, s1), ("b", 0, s2)),
                       articles(("a", "A", PUB), ("b", "B", dt.date(2020, 12, 13))))
    assert claims["claim_group"].nunique() == 2 and not claims["disagrees"].any()


def test_empty_figures_give_empty_table_with_columns():
    empty = tl.figure_claims_table(pd.DataFrame(), articles(("a", "A", PUB)), sentences(), pd.DataFrame())
    assert empty.empty and "disagrees" in empty.columns


# --- timeline -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("2019-08-31T06:00", dt.date(2019, 8, 31)), ("2019-04", dt.date(2019, 4, 1)), ("2019-W34", dt.date(2019, 8, 19)),
    ("2018-SU", dt.date(2018, 6, 1)), ("2011", dt.date(2011, 1, 1)), ("P8Y", None), ("PRESENT_REF", None),
    ("XXXX-XX-XX", None),
])
def test_value_date(value, expected):
    assert tl.value_date(value) == expected


def test_timeline_keeps_dated_expressions_only():
    s = "From 6am on August 31, daily raids stopped for now."
    tx = pd.DataFrame([timex_row("a", 0, s, "6am on August 31", "2019-08-31T06:00", "TIME"),
                       timex_row("a", 0, s, "daily", "P1D", "SET"), timex_row("a", 0, s, "now", "PRESENT_REF")])
    out = tl.timeline_table(tx, articles(("a", None, PUB)))
    assert out[["outlet", "value", "date"]].values.tolist() == [["unknown:a", "2019-08-31T06:00", dt.date(2019, 8, 31)]]


# --- seeds --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_tables(seeds_rules):
    tl.write_timeline_tables(seeds_rules)
    return read_table(seeds_rules, "timeline"), read_table(seeds_rules, "figure_claims")


def _pairs(claims: pd.DataFrame, group: str) -> set[tuple[float, str | None]]:
    sub = claims[(claims["claim_group"] == group) & claims["disagrees"]]
    return {(v, a if isinstance(a, str) else None) for v, a in zip(sub["value"], sub["attributed_to"])}


def test_seeds_killed_since_offensive_disagree(seed_tables):
    assert _pairs(seed_tables[1], "killed/offensive/Idlib/2019-08-31") == {(550.0, "UN"), (800.0, "other groups")}


def test_seeds_displaced_in_offensive_disagree(seed_tables):
    assert _pairs(seed_tables[1], "displaced/offensive/Idlib/2019-08-31") == {(400_000.0, "UN"), (500_000.0, None)}


def test_seeds_war_toll_disagree(seed_tables):
    assert _pairs(seed_tables[1], "killed/war/2019-08-31") == {(560_000.0, None), (500_000.0, None)}


def test_seeds_only_those_three_groups_disagree(seed_tables):
    claims = seed_tables[1]
    assert sorted(claims.loc[claims["disagrees"], "claim_group"].unique()) == [
        "displaced/offensive/Idlib/2019-08-31", "killed/offensive/Idlib/2019-08-31", "killed/war/2019-08-31"]


def test_seeds_ceasefire_start_told_by_three_sources(seed_tables):
    timeline = seed_tables[0]
    starts = timeline[timeline["value"].str.startswith("2019-08-31T")]
    assert set(starts["value"]) == {"2019-08-31T06:00", "2019-08-31T03:00Z"}
    assert starts["outlet"].nunique() == 3


def test_seeds_timeline_rows_have_source_and_publication(seed_tables):
    timeline = seed_tables[0]
    assert timeline["outlet"].notna().all() and timeline["published"].notna().all()
    assert (timeline["sent_start"] <= timeline["start"]).all()


# --- plots and explorer -------------------------------------------------------------------------------------------

def test_lanes_plot_has_one_lane_per_source(seed_tables):
    fig = plots.timeline_lanes(seed_tables[0], label=False)
    assert isinstance(fig, Figure)
    assert len(fig.axes[0].get_yticklabels()) == seed_tables[0]["outlet"].nunique()


def test_dot_plot_is_deterministic(toll_claims):
    a = plots.figure_png(plots.figure_claims_dots(toll_claims))
    b = plots.figure_png(plots.figure_claims_dots(toll_claims))
    assert a == b


def test_dot_plot_has_a_panel_per_group(toll_claims):
    fig = plots.figure_claims_dots(toll_claims)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["killed/offensive/2019-08-30", "killed/war/2019-08-30"]


def test_view_filters_sources_and_groups(toll_claims):
    timeline = pd.DataFrame({"outlet": ["Outlet A", "unknown:b"], "date": [PUB, PUB], "start": [0, 0]})
    view = timeline_view(timeline, toll_claims, TimelineFilter(sources=("Outlet A",), groups=("killed/war/2019-08-30",)))
    assert view.timeline["outlet"].tolist() == ["Outlet A"]
    assert view.claims["text"].tolist() == ["more than 500,000 people"]


def test_view_only_disagreements(toll_claims):
    claims = toll_claims.assign(disagrees=[True, False, False, False])
    view = timeline_view(pd.DataFrame(columns=["outlet", "date", "start"]), claims,
                         TimelineFilter(only_disagreements=True))
    assert view.claims["text"].tolist() == ["over 550 civilians"]


def test_explorer_controls_drive_the_tables(toll_claims):
    timeline = pd.DataFrame({"outlet": ["Outlet A"], "date": [PUB], "start": [0], "text": ["Friday"],
                             "value": ["2019-08-30"], "mod": [None]})
    ex = timeline_explorer(timeline, toll_claims)
    ex.groups.value = ("killed/offensive/2019-08-30",)
    assert "crossed 800" in ex.figures.value and "560,000" not in ex.figures.value


def test_figure_claims_from_streamed_figure_sentences_equal_whole_table(seeds_rules):
    figures, articles = read_table(seeds_rules, "figures"), read_table(seeds_rules, "articles")
    sentences, timex = read_table(seeds_rules, "sentences"), read_table(seeds_rules, "timex")
    few = tl.figure_sentences(seeds_rules, figures, batch_rows=7)
    assert 0 < len(few) < len(sentences)
    ents = read_table(seeds_rules, "entities")
    pd.testing.assert_frame_equal(tl.figure_claims_table(figures, articles, few, timex, entities=ents),
                                  tl.figure_claims_table(figures, articles, sentences, timex, entities=ents))


# --- one event: same kind, place and date window from the text --------------------------------------------------

def place(aid: str, sentence_start: int, sentence: str, surface: str, canonical: str | None = None) -> dict:
    start = sentence_start + sentence.index(surface)
    return {"article_id": aid, "start": start, "end": start + len(surface), "text": surface, "label": "GPE",
            "canonical": canonical or surface, "actor": None}


def incident_claims(s1: str, s2: str, d1: str, d2: str, v1: float = 12, v2: float = 15) -> pd.DataFrame:
    """Two outlets' claims of civilians killed, each sentence with its place (the first capitalised town) and date."""
    figs = [figure("a", 0, s1, f"{v1:g} civilians", v1, "civilians_killed"),
            figure("b", 0, s2, f"{v2:g} civilians", v2, "civilians_killed")]
    tx = [timex_row("a", 0, s1, "on Friday", d1), timex_row("b", 0, s2, "on Friday", d2)]
    ents = pd.DataFrame([place("a", 0, s1, s1.split()[-1].rstrip(".")), place("b", 0, s2, s2.split()[-1].rstrip("."))])
    timex = pd.DataFrame(tx)
    return tl.figure_claims_table(pd.DataFrame(figs), articles(("a", "A", PUB), ("b", "B", dt.date(2019, 9, 20))),
                                  sentences(("a", 0, s1), ("b", 0, s2)), timex, entities=ents)


def test_same_incident_told_by_two_sources_disagrees():
    claims = incident_claims("Shelling killed 12 civilians on Friday in Maarat.",
                             "Shelling killed 15 civilians on Friday in Maarat.", "2019-08-30", "2019-08-31")
    assert claims["claim_group"].nunique() == 1 and claims["disagrees"].all()
    assert claims["claim_group"].iloc[0] == "civilians_killed/by ground/Maarat/2019-08-30"


def test_incidents_at_other_places_or_dates_do_not_group():
    apart = incident_claims("Shelling killed 12 civilians on Friday in Maarat.",
                            "Shelling killed 15 civilians on Friday in Maarat.", "2019-08-30", "2019-09-06")
    elsewhere = incident_claims("Shelling killed 12 civilians on Friday in Maarat.",
                                "Shelling killed 15 civilians on Friday in Saraqeb.", "2019-08-30", "2019-08-30")
    for claims in (apart, elsewhere):
        assert claims["claim_group"].nunique() == 2 and not claims["disagrees"].any()


def test_incident_without_a_place_groups_with_nothing():
    s1, s2 = "Shelling killed 12 civilians on Friday.", "Shelling killed 15 civilians on Friday."
    figs = [figure("a", 0, s1, "12 civilians", 12, "civilians_killed"),
            figure("b", 0, s2, "15 civilians", 15, "civilians_killed")]
    tx = pd.DataFrame([timex_row("a", 0, s1, "on Friday", "2019-08-30"), timex_row("b", 0, s2, "on Friday",
                                                                                    "2019-08-30")])
    claims = tl.figure_claims_table(pd.DataFrame(figs), articles(("a", "A", PUB), ("b", "B", PUB)),
                                    sentences(("a", 0, s1), ("b", 0, s2)), tx, entities=pd.DataFrame())
    assert claims["claim_group"].nunique() == 2 and not claims["disagrees"].any()


def test_ranked_disagreements_put_groups_with_more_sources_first(toll_claims):
    extra = toll_claims.copy()
    extra = pd.concat([extra, extra[extra["claim_group"] == "killed/war/2019-08-30"].assign(source="C", value=1.0)])
    ranked = tl.ranked_disagreements(extra)
    assert ranked["claim_group"].tolist() == ["killed/war/2019-08-30", "killed/offensive/2019-08-30"]
    assert ranked["n_sources"].tolist() == [3, 2]


def test_a_sources_part_count_does_not_disagree_with_anothers_total():
    s1 = "The war has killed 500,000 people, 20,000 of them children in one province."
    s2 = "The war has killed 500,000 people."
    claims = claims_of([figure("a", 0, s1, "500,000 people", 500_000, "killed"),
                        figure("a", 0, s1, "20,000", 20_000, "killed"),
                        figure("b", 0, s2, "500,000 people", 500_000, "killed")],
                       sentences(("a", 0, s1), ("b", 0, s2)), articles(("a", "A", PUB), ("b", "B", PUB)))
    assert claims["claim_group"].nunique() == 1 and not claims["disagrees"].any()


@pytest.mark.parametrize("what, text, kind", [
    ("killed", "at least 84 journalists", "killed:journalists"), ("killed", "more than 280,000 people", "killed"),
    ("killed", "crossed 800", "killed"), ("killed", "one hundred and twelve", "killed"),
    ("civilians_killed", "12 civilians", "civilians_killed")])
def test_counted_kind(what, text, kind):
    assert tl.counted_kind(what, text) == kind


def test_a_count_of_journalists_is_no_war_toll():
    s1 = "At least 84 journalists have been killed since the war began."
    s2 = "The war has killed 500,000 people."
    claims = claims_of([figure("a", 0, s1, "84 journalists", 84, "killed"),
                        figure("b", 0, s2, "500,000 people", 500_000, "killed")],
                       sentences(("a", 0, s1), ("b", 0, s2)), articles(("a", "A", PUB), ("b", "B", PUB)))
    assert claims["claim_group"].nunique() == 2 and not claims["disagrees"].any()


def test_an_incident_told_in_the_war_is_no_war_toll():
    assert tl.sentence_scope("Four people were killed on Tuesday in the war-torn north.") is None
    assert tl.sentence_scope("The war has killed 500,000 people.") == "war"
