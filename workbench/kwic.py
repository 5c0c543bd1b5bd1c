"""Keyword in context over the annotation tables: a word, a regex, a designation term or an actor -> rows with offsets.

The text comes from the `sentences` table (never from the source files): each article's text is rebuilt by placing
its sentences at their offsets and filling the gaps (newlines, blank lines) with spaces, so every offset is an
offset into the original file and `text[start:end] == keyword` holds. After textacy's
`extract.kwic.keyword_in_context`, but as a table with offsets instead of string triples.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import pandas as pd

from .sources import article_sources

KWIC_COLUMNS = ["article_id", "outlet", "start", "end", "left", "keyword", "right"]


class Hit(NamedTuple):
    """One keyword occurrence: [start, end) offsets into the article text, the keyword and its context."""

    start: int
    end: int
    left: str
    keyword: str
    right: str


def article_texts(sentences: pd.DataFrame, *, block_kinds: Iterable[str] | None = None) -> dict[str, str]:
    """The `sentences` table -> {article_id: text rebuilt at original offsets, gaps filled with spaces}.

    With `block_kinds`, sentences of other kinds are blanked too, so nothing outside those blocks can match.
    """
    df = sentences if block_kinds is None else sentences[sentences["block_kind"].isin(list(block_kinds))]
    texts: dict[str, str] = {}
    for aid, group in df.sort_values(["article_id", "start"], kind="stable").groupby("article_id", sort=True):
        pieces, pos = [], 0
        for start, text in zip(group["start"], group["text"]):
            start = int(start)
            if start < pos:  # overlapping sentences: keep the part not yet placed
                text, start = text[pos - start:], pos
            pieces.append(" " * (start - pos))
            pieces.append(text)
            pos = start + len(text)
        texts[str(aid)] = "".join(pieces)
    return texts


def compile_keyword(keyword: str | re.Pattern, *, regex: bool = False, ignore_case: bool = True) -> re.Pattern:
    """A literal word (matched as a whole word) or a regex -> compiled pattern."""
    if isinstance(keyword, re.Pattern):
        return keyword
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(keyword if regex else rf"(?<!\w){re.escape(keyword)}(?!\w)", flags)


def _context(text: str, start: int, end: int, window: int) -> Hit:
    left = text[max(0, start - window):start].replace("\n", " ")
    right = text[end:end + window].replace("\n", " ")
    return Hit(start, end, left, text[start:end], right)


def kwic_text(text: str, keyword: str | re.Pattern, *, regex: bool = False, ignore_case: bool = True,
              window: int = 40) -> Iterator[Hit]:
    """A text and a keyword (literal whole word, or regex with `regex=True`) -> hits with `window` characters of
    context on each side."""
    for m in compile_keyword(keyword, regex=regex, ignore_case=ignore_case).finditer(text):
        if m.end() > m.start():
            yield _context(text, m.start(), m.end(), window)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else str) for c in KWIC_COLUMNS})


def kwic(sentences: pd.DataFrame, articles: pd.DataFrame, keyword: str | re.Pattern | None = None, *,
         regex: bool = False, ignore_case: bool = True, mentions: pd.DataFrame | None = None,
         term: str | None = None, actor: str | None = None, outlets: Iterable[str] | None = None,
         block_kinds: Iterable[str] | None = None, window: int = 40) -> pd.DataFrame:
    """Annotation tables + what to look for -> the keyword-in-context table.

    Give either `keyword` (a word, matched as a whole word; or a regex with `regex=True`) to search the text, or
    `mentions` with `term` and/or `actor` to show the designation mentions of that term / actor. Outlets are
    source labels (see `workbench.sources.source_label`).

    Returns:
        DataFrame with columns article_id, outlet, start, end (offsets of the keyword in the original text),
        left, keyword, right; sorted by article_id, start.
    """
    sources = article_sources(articles)
    if outlets is not None:
        sources = sources[sources["outlet"].isin(list(outlets))]
    outlet_of = dict(zip(sources["article_id"], sources["outlet"]))
    sents = sentences[sentences["article_id"].isin(list(outlet_of))]
    rows: list[dict] = []
    if keyword is not None:
        texts = article_texts(sents, block_kinds=block_kinds)
        for aid, text in texts.items():
            for hit in kwic_text(text, keyword, regex=regex, ignore_case=ignore_case, window=window):
                rows.append({"article_id": aid, "outlet": outlet_of[aid], **hit._asdict()})
    elif mentions is not None and (term is not None or actor is not None):
        sel = mentions[mentions["article_id"].isin(list(outlet_of))]
        if term is not None:
            sel = sel[sel["term"] == term]
        if actor is not None:
            sel = sel[sel["actor"] == actor]
        if block_kinds is not None:
            sel = sel[sel["block_kind"].isin(list(block_kinds))]
        texts = article_texts(sents)
        for aid, start, end in zip(sel["article_id"], sel["start"], sel["end"]):
            text = texts.get(aid, "")
            if int(end) <= len(text):
                rows.append({"article_id": aid, "outlet": outlet_of[aid],
                             **_context(text, int(start), int(end), window)._asdict()})
    else:
        raise ValueError("give a keyword, or mentions with a term and/or an actor")
    if not rows:
        return _empty()
    df = pd.DataFrame(rows)[KWIC_COLUMNS].astype({"start": "int64", "end": "int64"})
    return df.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
