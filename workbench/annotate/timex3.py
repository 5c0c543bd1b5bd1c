"""TIMEX3 values: calendar arithmetic that never overflows, and the check that a value is valid TIMEX3.

Kept apart from the matcher (timex.py) so the normalisation can be tested against TimeML-style examples alone.
A value that is not valid (an impossible day such as 2019-04-31, a year past 9999 or before 0001) is never written:
`is_valid` is the last gate before a row is stored.

References:
    TimeML Annotation Guidelines 1.2.1, section 2.2 (TIMEX3 `value`: ISO 8601 dates, weeks 2019-W34, weekends
    2019-W34-WE, seasons 2019-SU, decades 201, durations P8Y / PT24H / PXM, PAST_REF / PRESENT_REF / FUTURE_REF).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

_REFS = frozenset({"PAST_REF", "PRESENT_REF", "FUTURE_REF"})
_YEAR = r"(?:\d{4}|XXXX)"
# Dates: a year, year-month, year-month-day, ISO week (with weekday or weekend), season, decade or century.
_DATE = re.compile(
    rf"(?P<y>{_YEAR})(?:-(?P<m>0[1-9]|1[0-2]|XX)(?:-(?P<d>0[1-9]|[12]\d|3[01]|XX))?"
    r"|-W(?:0[1-9]|[1-4]\d|5[0-3]|XX)(?:-(?:[1-7]|WE))?|-(?:SP|SU|FA|WI))?"
    r"|\d{3}|\d{2}"
)
_TIME = re.compile(r"T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?Z?|MO|AF|EV|NI)")
_DURATION = re.compile(r"P(?:(?:\d+(?:\.\d+)?|X)[YMWD]|T?(?:\d+(?:\.\d+)?|X)[HMS]|(?:\d+|X)(?:DE|CE))")


def plus(d: dt.date | None, *, days: int = 0, weeks: int = 0) -> dt.date | None:
    """`d` moved by days and weeks, None when `d` is None or the result falls outside years 1..9999."""
    if d is None:
        return None
    try:
        return d + dt.timedelta(days=days, weeks=weeks)
    except (OverflowError, ValueError):  # past the calendar, or a step too large for timedelta itself
        return None


def shift_months(d: dt.date | None, n: int) -> tuple[int, int] | None:
    """The (year, month) `n` months from `d`, None outside years 1..9999."""
    if d is None:
        return None
    k = d.year * 12 + d.month - 1 + n
    y, m = k // 12, k % 12 + 1
    return (y, m) if 1 <= y <= 9999 else None


def year_value(year: int) -> str | None:
    """A year -> its four-digit value, None outside 1..9999."""
    return f"{year:04d}" if 1 <= year <= 9999 else None


def date_value(d: dt.date | None) -> str | None:
    """A day -> YYYY-MM-DD (None stays None)."""
    return d.isoformat() if d is not None else None


def week_value(d: dt.date | None) -> str | None:
    """The ISO week of a day -> YYYY-Www (None stays None)."""
    if d is None:
        return None
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def is_valid_date(value: str) -> bool:
    """Whether `value` is a TIMEX3 date value naming a day that exists (2019-02-29 does not, XXXX-02-29 may)."""
    if value in _REFS:
        return True
    m = _DATE.fullmatch(value)
    if not m:
        return False
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    if y == "0000":
        return False
    if d and d != "XX" and mo and mo != "XX":
        year = int(y) if y != "XXXX" else 2000  # an unknown year may be a leap year
        return int(d) <= calendar.monthrange(year, int(mo))[1]
    return True


def is_valid(typ: str, value: str | None) -> bool:
    """Whether `value` is a valid TIMEX3 value of type `typ` (DATE, TIME, DURATION, SET)."""
    if not value:
        return False
    if typ == "DATE":
        return is_valid_date(value)
    if typ == "TIME":
        date, sep, time = value.partition("T")
        return bool(sep) and is_valid_date(date) and date not in _REFS and bool(_TIME.fullmatch("T" + time))
    if typ in ("DURATION", "SET"):
        return bool(_DURATION.fullmatch(value))
    return False
