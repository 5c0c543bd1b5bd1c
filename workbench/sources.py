"""Sources of articles, in one place: the source label, the article sources table, selection by outlet and date,
date coercion and the ISO week. Every analysis and view takes its sources from here.

An article's outlet is its source. Articles whose outlet is missing, empty or "unknown" get the source label
``unknown:<article_id>``, so two articles of unknown origin are never pooled into one pretend outlet.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

UNKNOWN_OUTLETS = frozenset({"", "unknown", "none", "nan", "na", "null", "n/a"})
UNKNOWN_PREFIX = "unknown:"


def is_unknown(outlet: object) -> bool:
    """Whether a stored outlet value says nothing about the source (None, NaN, NA, "", "unknown", "n/a"...)."""
    if outlet is None or (not isinstance(outlet, str) and pd.isna(outlet)):
        return True
    return str(outlet).strip().lower() in UNKNOWN_OUTLETS


def source_label(outlet: object, article_id: str) -> str:
    """An article's outlet and id -> its source label ("unknown:<article_id>" when the outlet is unknown)."""
    return f"{UNKNOWN_PREFIX}{article_id}" if is_unknown(outlet) else str(outlet).strip()


def article_sources(articles: pd.DataFrame) -> pd.DataFrame:
    """The `articles` table -> one row per article with its source label.

    Returns:
        DataFrame with columns article_id, outlet (source label), published (datetime.date or None),
        n_words (int).
    """
    if articles.empty:
        return pd.DataFrame({"article_id": pd.Series(dtype=str), "outlet": pd.Series(dtype=str),
                             "published": pd.Series(dtype=object), "n_words": pd.Series(dtype="int64")})
    out = pd.DataFrame({
        "article_id": articles["article_id"].astype(str),
        "outlet": [source_label(o, a) for o, a in zip(articles["outlet"], articles["article_id"])],
        "published": [as_date(v) for v in articles["published"]],
        "n_words": pd.to_numeric(articles["n_words"], errors="coerce").fillna(0).astype("int64"),
    })
    return out.sort_values("article_id", kind="stable").reset_index(drop=True)


def as_date(value: object) -> dt.date | None:
    """A stored or typed date (date, datetime, Timestamp, ISO string, NaT, None) -> date, or None when it is none.

    Lenient, for reading tables; the corpus reader's `corpus.parse_date` is the strict one for input metadata.
    """
    # NaT is a datetime subclass: test it before the datetime branch.
    if value is None or value is pd.NaT or (not isinstance(value, (str, dt.date)) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        return None


def iso_week(value: object) -> str:
    """A date -> its ISO week as "2019-W05"; "undated" when it is not a date."""
    if isinstance(value, dt.date):
        y, w, _ = value.isocalendar()
        return f"{y}-W{w:02d}"
    return "undated"


def select_sources(sources: pd.DataFrame, *, outlets: Iterable[str] | None = None,
                   date_from: dt.date | str | None = None, date_to: dt.date | str | None = None) -> pd.DataFrame:
    """Article sources -> those of the chosen outlets published within [date_from, date_to] (inclusive).

    Articles without a publication date are dropped as soon as either date bound is given.
    """
    keep = pd.Series(True, index=sources.index)
    if outlets is not None:
        keep &= sources["outlet"].isin(list(outlets))
    lo, hi = as_date(date_from), as_date(date_to)
    if lo is not None or hi is not None:
        pub = sources["published"]
        keep &= pub.notna()
        if lo is not None:
            keep &= pub.map(lambda d: d is not None and d >= lo)
        if hi is not None:
            keep &= pub.map(lambda d: d is not None and d <= hi)
    return sources[keep.astype(bool)].reset_index(drop=True)
