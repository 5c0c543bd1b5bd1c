"""The wb_timex component: extents, TIMEX3 types and values resolved against the publication date."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import spacy

import workbench.annotate  # noqa: F401  (registers the factories)
from workbench.annotate import timex
from workbench.annotate.base import make_doc
from workbench.evaluate import score_table, load_gold
from workbench.tables import read_table

FRI = dt.date(2019, 8, 30)  # a Friday in ISO week 35


def tx(text: str, published: dt.date | None = FRI) -> list[tuple[str, str, str, str | None]]:
    """(surface, type, value, mod) of every expression found in `text`."""
    return [(text[s:e], t, v, m) for s, e, t, v, m, *_ in timex.find_timexes(text, published=published)]


def one(text: str, published: dt.date | None = FRI) -> tuple[str, str, str, str | None]:
    found = tx(text, published)
    assert len(found) == 1, found
    return found[0]


# --- dates relative to publication ------------------------------------------------------------------------------

def test_weekday_of_publication_is_publication_day():
    assert one("Residents said on Friday that raids continued.")[2] == "2019-08-30"


def test_weekday_in_report_resolves_to_past():
    assert one("Jets struck the town on Tuesday.")[2] == "2019-08-27"


def test_weekday_after_future_cue_resolves_forward():
    assert one("The truce will hold from Sunday, officials said.")[2] == "2019-09-01"


def test_weekday_with_will_earlier_in_sentence_resolves_forward():
    assert one("Forces will cease fire in the region Saturday morning, the ministry was quoted as saying.")[:3] == (
        "Saturday morning", "DATE", "2019-08-31")


def test_last_and_next_weekday():
    assert one("It happened last Friday.")[2] == "2019-08-23"
    assert one("Talks resume next Friday.")[2] == "2019-09-06"


def test_yesterday_today_overnight():
    assert [v for _, _, v, _ in tx("Yesterday and today, after raids overnight.")] == [
        "2019-08-29", "2019-08-30", "2019-08-29"]


def test_last_week_is_previous_iso_week():
    assert one("The alliance seized the pocket last week.")[1:] == ("DATE", "2019-W34", None)


def test_the_past_week_is_a_duration():
    assert one("Fighting grew over the past week.")[1:3] == ("DURATION", "P1W")


def test_earlier_this_month_keeps_earlier_in_extent():
    assert one("The minister said earlier this month that troops were there.")[:3] == (
        "earlier this month", "DATE", "2019-08")


def test_late_month_has_end_mod():
    assert one("Raids have continued since late April.") == ("late April", "DATE", "2019-04", "END")


def test_since_is_outside_the_extent():
    assert one("The war has lasted since 2011.")[:3] == ("2011", "DATE", "2011")


def test_bare_month_after_publication_month_is_last_year():
    assert one("The truce collapsed in October.")[2] == "2018-10"


def test_approximate_days_ago():
    assert one("Since capturing the town nearly 10 days ago, jets escalated.") == (
        "nearly 10 days ago", "DATE", "2019-08-20", "APPROX")


def test_explicit_date_with_year():
    assert one("Idlib province, Syria, August 28, 2019.")[1:3] == ("DATE", "2019-08-28")


def test_day_month_order_and_year():
    assert one("Fighting erupted on 12 March 2018.")[2] == "2018-03-12"


def test_season_of_year():
    assert one("In the summer of 2018, fighters left.")[:3] == ("the summer of 2018", "DATE", "2018-SU")


# --- times ------------------------------------------------------------------------------------------------------

def test_clock_on_date_is_one_time_expression():
    assert one("A truce from 6am on August 31 was agreed.")[:3] == ("6am on August 31", "TIME", "2019-08-31T06:00")


def test_clock_with_minutes_and_am():
    assert one("from 6:00 am on August 31,")[2] == "2019-08-31T06:00"


def test_weekday_part_of_day_and_gmt_clock():
    assert one("Fire will cease from Saturday morning 0300 GMT.")[:3] == (
        "Saturday morning 0300 GMT", "TIME", "2019-08-31T03:00Z")


def test_pm_clock_adds_twelve_hours():
    assert one("Jets struck at 10:30 p.m. on Thursday.")[2] == "2019-08-29T22:30"


# --- durations, sets, present -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,surface,value", [
    ("its eight-year-long war", "eight-year-long", "P8Y"),
    ("the eight-year-old conflict", "eight-year-old", "P8Y"),
    ("Eight years of war", "Eight years", "P8Y"),
    ("gains of the last 24 hours", "the last 24 hours", "PT24H"),
    ("in the past few weeks", "the past few weeks", "PXW"),
    ("in the coming hours", "the coming hours", "PXH"),
    ("after months of battles", "months", "PXM"),
    ("In recent weeks, Moscow sent troops", "recent weeks", "PXW"),
    ("a decade-long conflict", "decade-long", "P10Y"),
])
def test_durations(text, surface, value):
    assert one(text)[:3] == (surface, "DURATION", value)


def test_daily_is_a_set():
    assert one("There are daily reinforcements.")[1:3] == ("SET", "P1D")


def test_almost_daily_is_approximate_set():
    assert one("They documented almost daily bombings.") == ("almost daily", "SET", "P1D", "APPROX")


def test_now_is_present_ref():
    assert one("The Russians have now moved.")[1:] == ("DATE", "PRESENT_REF", None)


# --- what is not a temporal expression -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Troops previously held the town.",
    "Earlier, the army advanced.",
    "The recent attack killed six.",
    "May God protect them.",
    "The Daily Sabah reported it.",
    "About 2000 people fled.",
])
def test_not_timexes(text):
    assert tx(text) == []


# --- extents: words added on the left start a word and stay on the line ------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Jets struck Syria 3 days ago.", ("3 days ago", "DATE", "2019-08-27", None)),
    ("Residents of Qana 3 days ago fled.", ("3 days ago", "DATE", "2019-08-27", None)),
    ("Moreover 3 days passed.", ("3 days", "DURATION", "P3D", None)),
    ("They bathe last week.", ("last week", "DATE", "2019-W34", None)),
    ("Talks went on for over 3 days.", ("over 3 days", "DURATION", "P3D", "MORE_THAN")),
    ("They left a week ago.", ("a week ago", "DATE", "2019-W34", None)),
])
def test_left_extension_starts_at_a_word(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("It lasted nearly \n3 days.", ("3 days", "DURATION", "P3D", None)),
    ("They left a \n3 days ago.", ("3 days ago", "DATE", "2019-08-27", None)),
    ("Over the \npast week it rained.", ("past week", "DATE", "2019-W34", None)),
    ("They came almost \ndaily.", ("daily", "SET", "P1D", None)),
])
def test_left_extension_stays_on_the_line(text, expected):
    assert one(text) == expected


def test_ambiguous_month_needs_its_preceding_word_on_the_line():
    assert tx("Elections in \nMay") == tx("Elections in\nMay") == []


@pytest.mark.parametrize("text", ["Talks end at the  end of August.", "Talks end at the\u00a0end of August.",
                                  "Talks end at the end  of August."])
def test_position_modifier_with_other_spaces(text):
    assert one(text)[1:] == ("DATE", "2019-08", "END")


@pytest.mark.parametrize("text,surface", [("Talks resume in the middle of August.", "the middle of August"),
                                          ("Talks resume by middle of August.", "middle of August"),
                                          ("Talks resume in mid-August.", "mid-August")])
def test_middle_is_not_read_as_mid(text, surface):
    assert one(text) == (surface, "DATE", "2019-08", "MID")


@pytest.mark.parametrize("text,expected", [
    ("The truce starts at 0600 local time on Saturday.", ("0600 local time on Saturday", "TIME", "2019-08-31T06:00", None)),
    ("Shelling stopped at 1500 hours on Thursday.", ("1500 hours on Thursday", "TIME", "2019-08-29T15:00", None)),
    ("Jets struck in the early hours of Thursday.", ("the early hours of Thursday", "DATE", "2019-08-29", None)),
    ("The ceasefire takes effect on Saturday.", ("Saturday", "DATE", "2019-08-31", None)),
])
def test_military_clock_hours_of_a_day_and_announced_start(text, expected):
    assert one(text) == expected


def test_clock_times_take_the_date_that_follows_them():
    found = tx("The ceasefire takes effect at 0600 local time (0300 GMT) on Saturday.")
    assert [(s, v) for s, _, v, _ in found] == [("0600 local time", "2019-08-31T06:00"),
                                                ("0300 GMT", "2019-08-31T03:00Z"), ("Saturday", "2019-08-31")]


def test_clock_time_keeps_the_publication_date_when_the_date_is_elsewhere():
    found = tx("It began at 6 a.m. Witnesses said on Thursday that it was calm.")
    assert found[0][:3] == ("6 a.m.", "TIME", "2019-08-30T06:00")


# --- without a publication date -------------------------------------------------------------------------------------

def test_unknown_publication_leaves_relative_values_unresolved():
    found = tx("Yesterday, last week and on Tuesday, and in April.", published=None)
    assert [v for _, _, v, _ in found] == ["XXXX-XX-XX", "XXXX-WXX", "XXXX-WXX-2", "XXXX-04"]


def test_unknown_publication_keeps_absolute_values():
    assert tx("In 2011 and on August 28, 2019.", published=None)[1][2] == "2019-08-28"


# --- the component ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("wb_blocks")
    nlp.add_pipe("wb_timex")
    return nlp


def test_component_writes_spans_labelled_with_type(nlp):
    doc = nlp(make_doc(nlp, "Russia announced on Friday a truce from 6am on August 31.", article_id="t",
                       published=FRI))
    assert [(s.text, s.label_) for s in doc.spans["wb_timex"]] == [("Friday", "DATE"), ("6am on August 31", "TIME")]


def test_component_spans_are_those_of_char_span_expand(nlp):
    text = ("Jets struck (Friday) at 6am, \"yesterday\" and 3 days ago;\n\nthe past few weeks:2019-08-31"
            "\n\nnearly 20 years ago, mid-August, 12:30 GMT.")
    doc = nlp(make_doc(nlp, text, article_id="t", published=FRI))
    rows = timex.records(doc)
    assert len(rows) == len(doc.spans["wb_timex"]) >= 6
    for span, r in zip(doc.spans["wb_timex"], rows):
        ref = doc.char_span(r["start"], r["end"], label=r["type"], alignment_mode="expand")
        assert (span.start, span.end, span.label_) == (ref.start, ref.end, ref.label_)


def test_records_have_offsets_into_text(nlp):
    text = "Headline from Saturday\n\nRussia on Friday announced a truce.\n"
    doc = nlp(make_doc(nlp, text, article_id="t", published=FRI))
    rows = timex.records(doc)
    assert [text[r["start"]:r["end"]] for r in rows] == [r["text"] for r in rows] == ["Saturday", "Friday"]
    assert all(r["sent_start"] <= r["start"] < r["end"] <= r["sent_end"] for r in rows)


def test_boilerplate_and_comment_blocks_are_skipped(nlp):
    text = "Truce from Saturday\n\nThe army advanced on Friday.\n\nLeave a Reply\n\n14-12-20 00:30\n"
    doc = nlp(make_doc(nlp, text, article_id="t", published=FRI))
    assert [r["text"] for r in timex.records(doc)] == ["Saturday", "Friday"]


# --- the fast matcher finds exactly what the full pattern finds -------------------------------------------------

@pytest.mark.parametrize("text", [
    "Jets struck on Friday at 3pm, 12:30 GMT on Saturday and 0300 hrs local time.",
    "Nearly 20 years ago, some three days ago, a few weeks ago; late 2019, mid-August, the end of last year.",
    "Every Monday, EVERY DAY, daily, Sept 5 2019, 5th of May, 2019-08-31, the 1990s, a decade-long war.",
    "May 2019 and March: in May they may march. Twenty-four hours, the past few weeks, this summer.",
    "x5 pm, 2,019 people, $2019, 3.2019 and \u0663 days ago; \u212aelvin, today, tomorrow and now.",
    "", "Friday", "2019", "3 days ago",
])
def test_candidate_matcher_equals_full_pattern(text):
    vocab = timex.load_vocab()
    full = [(m.lastgroup, m.span()) for m in vocab.regex.finditer(text)]
    assert [(m.lastgroup, m.span()) for m in timex._matches(text, vocab)] == full


def test_first_chars_read_the_pattern():
    keys = set("abcdtT0")
    assert timex._first_chars(r"(?i:t)oday|\d+", keys) == {"t", "T", "0"}
    assert timex._first_chars(r"(?:a )?b|[^a-c]", keys) == {"a", "b", "d", "t", "T", "0"}


# --- gold-dev targets ---------------------------------------------------------------------------------------------

def _value_accuracy(out, gold_dir) -> float:
    score, _ = score_table("timex", load_gold(gold_dir, "timex"), read_table(out, "timex"))
    row = score.as_row()
    return min(row["label_accuracy"], row["f1"])


def test_gold_dev_value_accuracy_rules(seeds_rules, gold_dir):
    assert _value_accuracy(seeds_rules, gold_dir) >= 0.90


@pytest.mark.slow
def test_gold_dev_value_accuracy_model(seeds_model, gold_dir):
    assert _value_accuracy(seeds_model, gold_dir) >= 0.90


def test_table_rows_sorted_and_surface_matches(seeds_rules, seeds_dir):
    df = read_table(seeds_rules, "timex")
    assert len(df) > 0
    texts = {p.stem: p.read_text(encoding="utf-8") for p in seeds_dir.glob("*.txt")}
    assert all(texts[r.article_id][r.start:r.end] == r.text for r in df.itertuples())
    assert df.equals(df.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True))
    assert set(df["type"]) <= {"DATE", "TIME", "DURATION", "SET"}
    assert not pd.isna(df["value"]).any()


# --- real-text left-overs: "late on Friday", "the previous day", ages, yearless day dates -------------------------

def test_late_or_early_on_a_weekday_keeps_the_qualifier():
    assert one("Jets struck the town late on Friday.") == ("late on Friday", "DATE", "2019-08-30", "END")
    assert one("Jets struck the town early Thursday.") == ("early Thursday", "DATE", "2019-08-29", "START")


def test_the_previous_day_is_a_date_from_the_reference():
    assert one("Rebels said they had left the previous day.") == ("the previous day", "DATE", "2019-08-29", None)
    found = tx("On Monday they returned; they had left the previous day.")
    assert found[-1] == ("the previous day", "DATE", "2019-08-25", None)
    assert tx("Sales rose in 2017, up from the previous year.")[-1][2] == "2016"


@pytest.mark.parametrize("text", ["Two 10-year-olds were among the dead.", "The 56-year-old said he would stay.",
                                  "An 8-year-old girl was rescued.", "The president is 73 years old."])
def test_ages_are_not_durations(text):
    assert tx(text) == []


def test_the_age_of_something_lasting_is_a_duration():
    assert one("It is an eight-year-old conflict.")[1:3] == ("DURATION", "P8Y")


def test_year_before_a_comma_is_a_year():
    assert one("In 2016, the rate rose.")[:3] == ("2016", "DATE", "2016")


def test_weekday_is_not_split_from_its_date():
    assert one("The attack came on Saturday, May 18, residents said.")[:3] == ("Saturday, May 18", "DATE",
                                                                               "2019-05-18")


def test_far_yearless_day_takes_the_sentence_direction():
    assert tx("He was arrested in April for the March 21 call.", dt.date(2019, 11, 19))[1][2] == "2019-03-21"
    assert one("Sentencing is scheduled for Feb. 14.", dt.date(2019, 11, 19))[2] == "2020-02-14"
    assert one("They vote in the Dec. 12 election.", dt.date(2019, 11, 19))[2] == "2019-12-12"


def test_forward_signal_before_a_past_clause_points_back():
    assert one("As of October, the airline had 270 aircraft.", dt.date(2019, 11, 20))[2] == "2019-10"
    assert one("The truce will hold from Sunday, officials said.")[2] == "2019-09-01"


def test_future_and_past_as_references():
    assert tx("It may happen in the future. In the past, it did.") == [
        ("the future", "DATE", "FUTURE_REF", None), ("the past", "DATE", "PAST_REF", None)]
    assert tx("They discussed future talks and the past week.")[0][:2] == ("the past week", "DURATION")


def test_long_words_and_counted_spans_are_durations():
    assert [f[2] for f in tx("A weeklong trial, an hourlong debate, for four straight years, over multiple days.")] \
        == ["P1W", "PT1H", "P4Y", "PXD"]


def test_a_surname_like_a_unit_is_no_duration():
    assert tx("Australian Timothy Weeks was freed.") == []


def test_last_or_next_month_is_the_near_one_whatever_the_tense():
    assert one("Clark in October revealed plans.", dt.date(2019, 11, 19))[2] == "2019-10"
    assert one("Talks resumed in December.", dt.date(2019, 11, 19))[2] == "2019-12"


def test_a_season_spanning_two_years_is_no_year():
    assert tx("He signed until the end of the 2022/23 season.") == []


def test_next_year_alone_is_deictic():
    assert tx("Sales rose in October and could grow next year.", dt.date(2019, 11, 19))[-1][2] == "2020"
