"""Source labels, dates and ISO weeks: one definition shared by framing, reuse, timeline, kwic and the notebooks."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from workbench import reuse, sources


@pytest.mark.parametrize("outlet", [None, "", "unknown", "Unknown ", "NA", "nan", "N/A", float("nan"), pd.NA])
def test_every_unknown_outlet_is_the_article_itself(outlet):
    assert sources.source_label(outlet, "x9") == "unknown:x9"
    # reuse keys sources by the same rule (its key only folds the case of known names)
    assert reuse.source_of(outlet, "x9") == "unknown:x9"
    assert reuse.outlet_label(outlet, "x9") == "x9"


def test_known_outlet_kept_as_written_and_keyed_without_case():
    assert sources.source_label(" TRT World ", "x9") == "TRT World"
    assert reuse.source_of(" TRT World ", "x9") == "trt world"
    assert reuse.outlet_label(" TRT World ", "x9") == "TRT World"


@pytest.mark.parametrize("value, want", [
    (dt.date(2019, 8, 31), dt.date(2019, 8, 31)), (dt.datetime(2019, 8, 31, 6), dt.date(2019, 8, 31)),
    (pd.Timestamp("2019-08-31"), dt.date(2019, 8, 31)), ("2019-08-31", dt.date(2019, 8, 31)),
    (None, None), (pd.NaT, None), (float("nan"), None), ("not a date", None)])
def test_as_date_coerces_what_tables_hold(value, want):
    assert sources.as_date(value) == want


def test_iso_week_crosses_the_year_as_iso_does():
    assert sources.iso_week(dt.date(2021, 1, 1)) == "2020-W53"
    assert sources.iso_week(dt.date(2019, 8, 31)) == "2019-W35"
    assert sources.iso_week(None) == "undated"
