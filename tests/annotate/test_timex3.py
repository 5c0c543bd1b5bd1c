"""TIMEX3 values (workbench/annotate/timex3.py) and the timex inputs that once aborted a run: qualified sets,
relative dates past the calendar, impossible days."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.annotate import timex
from workbench.annotate.timex3 import is_valid, plus, shift_months

PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the value check, on TimeML-style values ----------------------------------------------------------------------

@pytest.mark.parametrize("typ, value", [
    ("DATE", "2019-08-31"), ("DATE", "2019-08"), ("DATE", "2019"), ("DATE", "2019-W34"), ("DATE", "2019-W34-WE"),
    ("DATE", "2019-SU"), ("DATE", "201"), ("DATE", "XXXX-WXX-1"), ("DATE", "XXXX-02-29"), ("DATE", "2020-02-29"),
    ("DATE", "PAST_REF"), ("DATE", "PRESENT_REF"), ("TIME", "2019-08-31T06:00"), ("TIME", "2019-08-31T03:00Z"),
    ("TIME", "XXXX-XX-XXT18:30"), ("DURATION", "P8Y"), ("DURATION", "PT24H"), ("DURATION", "PXM"),
    ("DURATION", "PXH"), ("DURATION", "P1.5D"), ("SET", "P1D"), ("SET", "PT1H"),
])
def test_timeml_values_are_valid(typ, value):
    assert is_valid(typ, value)


@pytest.mark.parametrize("typ, value", [
    ("DATE", "2019-04-31"), ("DATE", "2019-02-29"), ("DATE", "XXXX-04-31"), ("DATE", "2019-13"), ("DATE", "0000"),
    ("DATE", "-4997981"), ("DATE", "10000-01"), ("DATE", "2019-W54"), ("DATE", ""), ("DATE", None),
    ("TIME", "2019-04-31T06:00"), ("TIME", "2019-08-31T25:00"), ("TIME", "PAST_REFT06:00"), ("TIME", "2019-08-31"),
    ("DURATION", "Pinf D"), ("DURATION", "PinfD"), ("DURATION", "2019"), ("SET", "daily"), ("OTHER", "2019"),
])
def test_impossible_or_malformed_values_are_invalid(typ, value):
    assert not is_valid(typ, value)


def test_calendar_arithmetic_stops_at_the_calendar_instead_of_raising():
    assert plus(dt.date(9999, 12, 31), days=1) is None
    assert plus(dt.date(2019, 1, 1), days=-5_000_000) is None
    assert plus(dt.date(2019, 1, 1), days=-10**12) is None  # beyond what timedelta itself holds
    assert plus(dt.date(2019, 1, 1), weeks=1) == dt.date(2019, 1, 8)
    assert shift_months(dt.date(9999, 12, 1), 1) is None
    assert shift_months(dt.date(2019, 1, 15), -1) == (2018, 12)


# --- the inputs that aborted a run --------------------------------------------------------------------------------

def tx(text, published=dt.date(2019, 8, 30)):
    return [(text[s:e], t, v, m) for s, e, t, v, m, *_ in timex.find_timexes(text, published=published)]


@pytest.mark.parametrize("qual", ["nearly", "almost", "Nearly"])
@pytest.mark.parametrize("core, value", [("every day", "P1D"), ("each week", "P1W"), ("daily", "P1D"),
                                         ("every Monday", "P1W")])
def test_qualified_set_is_an_approximate_set(qual, core, value):
    assert tx(f"Shells fell {qual} {core} on the town.") == [(f"{qual} {core}", "SET", value, "APPROX")]


@pytest.mark.parametrize("published", [dt.date(2019, 8, 30), dt.date(9999, 12, 31), dt.date(1, 1, 1), None])
def test_relative_dates_past_the_calendar_are_past_references_or_dropped(published):
    found = tx("It began 5000000 days ago, 99999999 weeks ago, 50000000 months ago and 1" + "0" * 400
               + " days ago.", published)
    assert [f[2] for f in found] == ["PAST_REF"] * 4


@pytest.mark.parametrize("published", [dt.date(9999, 12, 31), dt.date(1, 1, 1)])
def test_publication_at_the_end_of_the_calendar_writes_only_valid_values(published):
    text = ("Yesterday, today and tomorrow; last week, next week, this weekend, next month, last year, next year; "
            "on Monday and next Friday; in May and next June; last night at 6pm.")
    found = timex.find_timexes(text, published=published)
    assert found  # "today" at least is still a date
    assert all(is_valid(t, v) for _s, _e, t, v, *_ in found)


@pytest.mark.parametrize("text", ["He arrived on 31 April 2019.", "He arrived on April 31.",
                                  "He arrived on 2019-02-30.", "He arrived on 30 Feb.",
                                  "He arrived on 31 April 2019 at 5pm."])
@pytest.mark.parametrize("published", [dt.date(2019, 5, 1), None])
def test_impossible_days_are_never_written_as_dates(text, published):
    assert tx(text, published) == []


def test_possible_days_still_resolve():
    assert tx("He arrived on 29 February 2020.") == [("29 February 2020", "DATE", "2020-02-29", None)]
    assert tx("He arrived on 30 April.", dt.date(2019, 5, 1)) == [("30 April", "DATE", "2019-04-30", None)]


# --- property: any mix of temporal words, any publication date: no exception, only valid values, exact offsets ----

PIECES = ["nearly", "almost", "every", "each", "day", "daily", "week", "days", "years", "months", "ago", "last",
          "next", "the", "previous", "late", "early", "on", "Friday", "Monday", "April", "Feb", "31", "29", "30",
          "2019", "9999", "0001", "5000000", "1" + "0" * 30, "1.5", "at", "6pm", "0300", "GMT", "yesterday",
          "tomorrow", "this", "weekend", "summer", "of", "over", "a", "few", "hours", "10-year", "old", "-", ",", "."]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), min_size=1, max_size=14).map(" ".join)
dates = st.one_of(st.none(), st.dates(), st.sampled_from([dt.date.min, dt.date.max]))


@PROPS
@given(texts, dates)
def test_any_temporal_text_gives_valid_values_and_exact_offsets(text, published):
    for start, end, typ, value, _mod, s0, s1 in timex.find_timexes(text, published=published):
        assert 0 <= s0 <= start < end <= s1 <= len(text)
        assert text[start:end].strip() == text[start:end]
        assert is_valid(typ, value), (text[start:end], typ, value)
