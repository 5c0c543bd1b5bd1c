"""The article's own dateline ("Wed 19 Apr 2017 ...", "Published February 18 2015", "10-09-2014") at its start.

Relative dates ("yesterday", "on Monday") are resolved against the day the article says it was written when it
says so at its start, not against the corpus metadata `published`, which in real corpora is often the day of
crawling or re-posting (in FA-KES a quarter of the articles disagree by more than a day). The articles table records
the dateline and its gap to `published` (CODEBOOK "Temporal expressions").
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple

from .timex import Vocab, find_timexes, load_vocab

# Where a dateline may stand: the first characters of the article's first content blocks (the title, the first
# paragraph: some outlets repeat the title before the date).
HEAD_CHARS = 300
HEAD_BLOCKS = 2
CONTENT = ("headline", "body", "subheading", "caption")
_NUMERIC = re.compile(r"(?<![\d.-])(\d{1,2})([.\-/])(\d{1,2})\2((?:19|20)\d\d)(?![\d.-])")
_FULL = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_PREV_WORDS = re.compile(r"(?:([^\W\d_]+)\W+)?([^\W\d_]+)\W*\Z")


class Dateline(NamedTuple):
    """Where the article dates itself and the day it names."""

    start: int
    end: int
    date: dt.date


def _regions(text: str, blocks: Sequence | None) -> list[tuple[int, int]]:
    if blocks:
        heads = [b for b in blocks if getattr(b, "kind", "body") in CONTENT][:HEAD_BLOCKS]
        return [(b.start, min(b.end, b.start + HEAD_CHARS)) for b in heads]
    out = []
    for m in re.finditer(r"[^\n]*\S[^\n]*", text):
        out.append((m.start(), min(m.end(), m.start() + HEAD_CHARS)))
        if len(out) == HEAD_BLOCKS:
            break
    return out


def _introduced(text: str, region_start: int, start: int, vocab: Vocab) -> bool:
    """Whether the words before a date let it be a dateline: nothing, capitalised words (a title, an agency name) or
    a dateline cue ("Published", "Date of publication"); "on 6 September 2016" or "Idlib, Syria, August 28, 2019"
    date an event or a photo instead."""
    prev = _PREV_WORDS.search(text, region_start, start)
    if prev is None:
        return True
    if text[region_start:start].rstrip().endswith(","):  # "... Idlib province, Syria, August 28, 2019": in a sentence
        return False
    before, word = prev.group(1), prev.group(2)
    cues = vocab.cfg["dateline_cues"]
    if word.lower() in vocab.cfg["dateline_prepositions"]:  # "Posted on April 19 2017", never "On 6 May 2016"
        return before is not None and before.lower() in cues
    return word[0].isupper() or word.lower() in cues


def find_dateline(text: str, blocks: Sequence | None = None, *, vocab: Vocab | None = None) -> Dateline | None:
    """The first full date (day, month and year written out) at the start of the article's first content blocks ->
    Dateline, or None when the article does not date itself there."""
    vocab = vocab or load_vocab()
    for s, e in _regions(text, blocks):
        head = text[s:e]
        found = []
        for a, b, typ, value, *_ in find_timexes(head, published=None, vocab=vocab):
            m = _FULL.match(value) if typ in ("DATE", "TIME") else None
            if m:
                found.append((a, b, dt.date(*map(int, m.groups()))))
        for m in _NUMERIC.finditer(head):
            day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
            try:
                found.append((m.start(), m.end(), dt.date(year, month, day)))  # day first, as the outlets write
            except ValueError:
                continue
        for a, b, date in sorted(found):
            if _introduced(text, s, s + a, vocab):
                return Dateline(s + a, s + b, date)
    return None


def dateline_columns(text: str, blocks: Sequence | None, published: dt.date | None) -> dict:
    """The articles-table columns of one article: dateline (date), its offsets, and dateline_gap_days (dateline
    minus published, in days; None unless both are known)."""
    dl = find_dateline(text, blocks)
    if dl is None:
        return {"dateline": None, "dateline_start": None, "dateline_end": None, "dateline_gap_days": None}
    gap = (dl.date - published).days if published is not None else None
    return {"dateline": dl.date, "dateline_start": dl.start, "dateline_end": dl.end, "dateline_gap_days": gap}
