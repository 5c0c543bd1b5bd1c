"""Timelines and figure claims per source, read only from the annotation tables (never from the text).

Two derived tables (SCHEMA.md):

- `timeline`: every dated temporal expression (TIMEX3 DATE/TIME with a calendar value) with the sentence it
  anchors, the article's source label and publication date, plus `date` (first day of the value's period) to plot.
- `figure_claims`: every figure with who the text credits for it (`attributed_to`), the quantity it counts
  (`claim_group`) and whether another source gives a different value for that quantity (`disagrees`).

Claims group (`claim_group`) only when they count the same kind of thing about the same event, told by the text
(never by the publication week):

1. Kind. The figure's `what`, plus its counted noun unless that only says "people" ("84 journalists" killed are
   no death toll of the war; data/timeline.yaml `general_nouns`).
2. Scope. A sentence that names a scope cue ("offensive", "war", ...) and counts up to now ("has killed", "since",
   data/timeline.yaml `cumulative_cues`) gives a toll over that scope; a sentence with only a start date ("since
   April") takes the scope other sentences pair with that date. Scoped tolls group by family (civilians_killed and
   killed are one death toll), scope and place (none for the whole war unless the sentence names one), dated by the
   article's own dateline within `scope_window_days`.
3. Incidents (no scope) need a place named in their sentence (whole countries are too wide) and a day-level date
   from their sentence (the timex table); they group by kind, means of attack named in the sentence (chemical,
   bomb, air, ground: "a gas attack" and "rocket fire" on one city and day are two events) and place, on dates
   within `event_window_days` of the earliest. An incident without a place or a date groups with nothing.

A group is named `<kind>[/by <means>][/<place>]/<first date>`, the place being the one its claims name most often.
A source is the pair (source label of the article, credited source): the UN and "other groups" in one article
are two sources, and two outlets crediting the UN are two sources too; an agency crediting itself (`own_sources`)
is one. A source's count for an event is the largest it gives (a total includes its parts); `disagrees` marks
those counts when another source's count differs. Vague magnitudes ("hundreds") never disagree and never make others
disagree. `ranked_disagreements` lists disagreeing groups by how many sources take part.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .config import VOCAB_DIR
from .sources import article_sources
from .tables import iter_table_batches, read_table, write_table

TIMELINE_YAML = VOCAB_DIR / "timeline.yaml"
CALENDAR = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?|-W(\d\d)|-(SP|SU|FA|WI))?")
SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


@lru_cache(maxsize=4)
def load_config(path: str | Path = TIMELINE_YAML) -> dict:
    """Read data/timeline.yaml and compile its cue regexes -> dict (the YAML plus `*_rx` patterns)."""
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    names = {s: label for label, surfaces in cfg["credited_sources"].items() for s in surfaces}
    name_alt = "|".join(re.escape(s) for s in sorted(names, key=len, reverse=True))
    verb_alt = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(cfg["credit_verbs"], key=len, reverse=True))
    acc_alt = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in cfg["according_cues"])
    cfg["names"] = names
    # "the UN says ..." credits what follows; ", the UN said." credits what precedes; "according to" credits all.
    cfg["before_rx"] = re.compile(rf"(?<![\w.])(?P<name>{name_alt})(?![\w])(?:\s+\w+){{0,3}}?\s+(?:{verb_alt})\b")
    cfg["after_rx"] = re.compile(rf"[,“”\"]\s*(?:the\s+)?(?P<name>{name_alt})(?![\w])\s+(?:{verb_alt})\b")
    cfg["according_rx"] = re.compile(rf"(?i:{acc_alt})\s+(?:the\s+)?(?P<name>{name_alt})(?![\w])")
    cfg["scope_rx"] = {scope: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)
                       for scope, words in cfg["scopes"].items()}
    cfg["cumulative_rx"] = re.compile(r"\b(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+(?:\w+\s+)?")
                                                           for c in cfg["cumulative_cues"]) + r")\b", re.I)
    cfg["means_rx"] = [(m, re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
                                       + r")\b", re.I)) for m, words in (cfg.get("means") or {}).items()]
    cfg["general_noun_set"] = frozenset(w.lower() for w in cfg.get("general_nouns", []))
    from .annotate.numbers import load_numbers
    nums = load_numbers()
    cfg["number_word_set"] = frozenset(w for k in [*nums.words, *nums.vague, *nums.fractions] for w in k.split())
    cfg["own_source"] = {k.lower(): v for k, v in (cfg.get("own_sources") or {}).items()}
    cfg["family_of"] = {w: fam for fam, whats in cfg["families"].items() for w in whats}
    cfg["since_rx"] = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in cfg["since_signals"]) + r")\s+(?:the\s+)?$",
                                 re.I)
    return cfg


# ----------------------------------------------------------------------------------------------------- timeline

def value_date(value: object) -> dt.date | None:
    """A TIMEX3 calendar value (2019-08-31, 2019-08-31T06:00, 2019-04, 2019-W34, 2018-SU, 2011) -> the first day of
    its period, or None for durations, sets, PRESENT_REF and unresolved (XXXX) values."""
    if not isinstance(value, str):
        return None
    m = CALENDAR.match(value)
    if not m:
        return None
    year, month, day, week, season = m.groups()
    if week:
        return dt.date.fromisocalendar(int(year), int(week), 1)
    if season:
        return dt.date(int(year), SEASON_MONTH[season], 1)
    return dt.date(int(year), int(month or 1), int(day or 1))


def timeline_table(timex: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """The `timex` and `articles` tables -> the `timeline` table: dated expressions per source.

    Returns:
        DataFrame with columns article_id, outlet (source label, "unknown:<article_id>" when unknown),
        published (date or None), start, end, value, mod, sent_start, sent_end, text, type,
        date (first day of the value's period), sorted by article_id, start.
    """
    cols = ["article_id", "outlet", "published", "start", "end", "value", "mod", "sent_start", "sent_end", "text",
            "type", "date"]
    if timex.empty:
        return pd.DataFrame(columns=cols)
    rows = timex[timex["type"].isin(["DATE", "TIME"])].copy()
    rows["date"] = [value_date(v) for v in rows["value"]]
    rows = rows[rows["date"].notna()]
    src = article_sources(articles)[["article_id", "outlet", "published"]]
    rows = rows.merge(src, on="article_id", how="left")
    missing = rows["outlet"].isna()
    rows.loc[missing, "outlet"] = "unknown:" + rows.loc[missing, "article_id"]
    rows["published"] = rows["published"].astype(object).where(rows["published"].notna(), None)
    return rows[cols].sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ figure claims

def credited_source(sentence: str, offset: int, *, cfg: dict | None = None) -> str | None:
    """Who a sentence credits for the figure starting at `offset` inside it -> canonical source label, or None.

    "according to X" credits every figure of the sentence; "X says/estimates ..." credits figures after it (the
    last such cue before the figure wins); ", X said" credits figures before it.
    """
    cfg = cfg or load_config()
    m = cfg["according_rx"].search(sentence)
    if m:
        return cfg["names"][m.group("name")]
    before = [m for m in cfg["before_rx"].finditer(sentence) if m.end() <= offset]
    if before:
        return cfg["names"][before[-1].group("name")]
    m = cfg["after_rx"].search(sentence, offset)
    if m:
        return cfg["names"][m.group("name")]
    return None


def sentence_scope(sentence: str, *, cfg: dict | None = None) -> str | None:
    """The scope a sentence's figures count over ("offensive", "war") from its cue words -> scope or None."""
    cfg = cfg or load_config()
    for scope, rx in cfg["scope_rx"].items():
        if rx.search(sentence):
            # a count over the scope runs up to now ("has killed", "since"); "24 were killed on Tuesday in Syria's
            # war" tells one incident of it
            return scope if cfg["cumulative_rx"].search(sentence) else None
    return None


def sentence_means(sentence: str, *, cfg: dict | None = None) -> str | None:
    """The means of attack a sentence names (first listed wins: "chemical", "bomb", "air", "ground") -> or None."""
    cfg = cfg or load_config()
    for means, rx in cfg["means_rx"]:
        if rx.search(sentence):
            return means
    return None


def counted_kind(what: str, text: str, cfg: dict | None = None) -> str:
    """What a figure counts, for telling one toll from another: its `what`, plus its counted noun unless that is a
    general word for people ("84 journalists" -> killed:journalists; "300 people", a bare "300" -> killed)."""
    cfg = cfg or load_config()
    words = re.findall(r"[\w'-]+", str(text).lower())
    head = words[-1] if words else ""
    if not head.isalpha() or head in cfg["general_noun_set"] or head in cfg["number_word_set"]:
        return what
    return f"{what}:{head}"


def _sentence_lookup(sentences: pd.DataFrame) -> dict[str, tuple[list[int], list[tuple[int, int, str]]]]:
    out: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = {}
    for aid, grp in sentences.groupby("article_id", sort=True):
        rows = sorted(zip(grp["start"].astype(int), grp["end"].astype(int), grp["text"].astype(str)))
        out[aid] = ([r[0] for r in rows], rows)
    return out


def _sentence_of(lookup: dict, aid: str, char: int) -> tuple[int, int, str]:
    starts, rows = lookup.get(aid, ([], []))
    i = bisect.bisect_right(starts, char) - 1
    if i >= 0 and rows[i][0] <= char < max(rows[i][1], rows[i][0] + 1):
        return rows[i]
    return (char, char, "")


def _sentence_timexes(timex: pd.DataFrame) -> dict[tuple[str, int], list[tuple[int, str, str]]]:
    """(article_id, sent_start) -> [(start, type, value)] of the sentence's temporal expressions."""
    out: dict[tuple[str, int], list[tuple[int, str, str]]] = defaultdict(list)
    if timex.empty:
        return out
    for r in timex.itertuples(index=False):
        out[(r.article_id, int(r.sent_start))].append((int(r.start), r.type, r.value))
    return out


def _since_value(sentence: str, sent_start: int, tx: list[tuple[int, str, str]], cfg: dict) -> str | None:
    """The start date a sentence counts from ("since late April" -> 2019-04) -> YYYY[-MM] or None."""
    for start, typ, value in sorted(tx):
        rel = start - sent_start
        if typ in ("DATE", "TIME") and value_date(value) and cfg["since_rx"].search(sentence[max(0, rel - 40):rel]):
            return value[:7] if "-W" not in value else value[:4]
    return None


def _anchor(tx: list[tuple[int, str, str]]) -> str | None:
    """The first absolute date of a list of (start, type, value) temporal expressions -> YYYY-MM[-DD] or None."""
    for _, typ, value in sorted(tx):
        if typ in ("DATE", "TIME") and value_date(value) and re.match(r"\d{4}-\d\d", value) and "-W" not in value:
            return value[:10]
    return None


def _article_dates(timex: pd.DataFrame) -> dict[str, str]:
    """article_id -> the first day-level date the article's text gives (its dateline, or the first dated event)."""
    out: dict[str, str] = {}
    if timex.empty:
        return out
    rows = timex[timex["type"].isin(["DATE", "TIME"])].sort_values(["article_id", "start"], kind="stable")
    for r in rows.itertuples(index=False):
        if r.article_id not in out and isinstance(r.value, str) and re.match(r"\d{4}-\d\d-\d\d", r.value):
            out[r.article_id] = r.value[:10]
    return out


@lru_cache(maxsize=2)
def _countries(path: str | None = None) -> frozenset[str]:
    """Canonical names of whole countries in the gazetteer: too wide to tell one incident from another."""
    from .annotate.gazetteer import read_rows
    rows = read_rows(path) if path else read_rows()
    return frozenset(r.canonical for r in rows if r.kind == "country")


def _places(entities: pd.DataFrame | None, lookup: dict) -> tuple[dict[tuple[str, int], list[str]], dict[str, str]]:
    """Where figures happen: (article_id, sentence start) -> the places named in the sentence, and article_id -> the
    first place named in the article (headline or dateline); whole countries are left out."""
    by_sent: dict[tuple[str, int], list[str]] = defaultdict(list)
    by_article: dict[str, str] = {}
    if entities is None or entities.empty:
        return by_sent, by_article
    countries = _countries()
    places = entities[entities["label"].isin(["GPE", "LOC", "FAC"])].sort_values(["article_id", "start"])
    for r in places.itertuples(index=False):
        name = r.canonical if isinstance(r.canonical, str) and r.canonical else r.text
        if name in countries:
            continue
        s0 = _sentence_of(lookup, r.article_id, int(r.start))[0]
        if name not in by_sent[(r.article_id, s0)]:
            by_sent[(r.article_id, s0)].append(name)
        by_article.setdefault(r.article_id, name)
    return by_sent, by_article


class _Union:
    """Union-find over claim indices: claims joined by a shared place (and a close date) are one event."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _events(rows: list[dict], windows: dict[bool, int]) -> list[int]:
    """Claims -> an event id per claim (-1: none). Claims with the same key (`_key`) are one event when they share a
    place and their dates lie within the window of the earliest (`windows[scoped]` days: "on Saturday" in one
    report and "overnight" in another meet, next week's report of the same kind does not)."""
    uf = _Union(len(rows))
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if r["_key"] is not None:
            for place in r["_places"] or [""]:
                buckets[(r["_key"], place)].append(i)
    for idx in buckets.values():
        idx = sorted(idx, key=lambda i: rows[i]["_date"])
        days = windows[bool(rows[idx[0]]["scope"])]
        first = idx[0]
        for b in idx[1:]:
            if (value_date(rows[b]["_date"]) - value_date(rows[first]["_date"])).days <= days:
                uf.union(first, b)
            else:
                first = b
    return [uf.find(i) if r["_key"] is not None else -1 for i, r in enumerate(rows)]


def figure_claims_table(figures: pd.DataFrame, articles: pd.DataFrame, sentences: pd.DataFrame,
                        timex: pd.DataFrame, *, entities: pd.DataFrame | None = None,
                        cfg: dict | None = None) -> pd.DataFrame:
    """The `figures`, `articles`, `sentences`, `timex` (and `entities`) tables -> the `figure_claims` table.

    Claims group only when they count the same kind of thing about the same event: scoped tolls by family, scope,
    place (unless the scope is the whole war) and year; incidents by `what`, place (named in the sentence, else in
    the article) and a date window from the text (the sentence's date, else the article's dateline), never by
    publication week. An incident with no place or no date from the text groups with nothing.

    Returns:
        DataFrame with columns article_id, outlet (source label), start, end, what, value, qualifier,
        attributed_to (credited source or None), claim_group, disagrees (bool), text, vague (bool),
        scope (offensive/war/since <date>/None), source ("<outlet>" or "<outlet> / <attributed_to>"),
        sorted by article_id, start.
    """
    cfg = cfg or load_config()
    cols = ["article_id", "outlet", "start", "end", "what", "value", "qualifier", "attributed_to", "claim_group",
            "disagrees", "text", "vague", "scope", "source"]
    if figures.empty:
        return pd.DataFrame(columns=cols)
    src = article_sources(articles).set_index("article_id")
    lookup = _sentence_lookup(sentences)
    stx = _sentence_timexes(timex)
    art_dates = _article_dates(timex)
    sent_places, art_places = _places(entities, lookup)
    rows = []
    for f in figures.sort_values(["article_id", "start"], kind="stable").itertuples(index=False):
        aid = f.article_id
        s0, _, sent = _sentence_of(lookup, aid, int(f.start))
        tx = stx.get((aid, s0), [])
        outlet = src["outlet"].get(aid, f"unknown:{aid}")
        published = src["published"].get(aid)
        credited = credited_source(sent, int(f.start) - s0, cfg=cfg) if sent else None
        vague = bool(getattr(f, "vague", False)) if pd.notna(getattr(f, "vague", False)) else False
        rows.append({
            "article_id": aid, "outlet": outlet, "start": int(f.start), "end": int(f.end), "what": f.what,
            "value": float(f.value), "qualifier": f.qualifier if pd.notna(f.qualifier) else None,
            "attributed_to": credited, "text": f.text, "vague": vague,
            "scope": sentence_scope(sent, cfg=cfg) if sent else None,
            "_since": _since_value(sent, s0, tx, cfg) if sent else None,
            "_sent_date": _anchor(tx), "_sentence": sent,
            # a toll over a scope is dated by the article's own dateline (else its publication date)
            "_art_date": art_dates.get(aid) or (published.isoformat() if isinstance(published, dt.date) else None),
            "_sent_places": sent_places.get((aid, s0), []),
            "_places": sent_places.get((aid, s0)) or ([art_places[aid]] if aid in art_places else []),
            "_year": published.year if isinstance(published, dt.date) else None,
        })
    # Scopes learned from sentences naming both a cue and a start date ("the offensive ... began in late April").
    learned = {r["_since"]: r["scope"] for r in rows if r["scope"] and r["_since"]}
    wide = set(cfg.get("wide_scopes", ["war"]))
    for r in rows:
        if r["scope"] is None and r["_since"]:
            r["scope"] = learned.get(r["_since"], f"since {r['_since']}")
        elif r["scope"] in wide and r["_sent_date"] and len(r["_sent_date"]) == 10:
            r["scope"] = None  # "killed 24 people on Tuesday, the latest in Syria's war": an incident, dated
    for r in rows:
        kind = counted_kind(r["what"], r["text"], cfg)  # "killed" journalists are no death toll of the war
        if r["scope"] and r["_art_date"]:  # a scoped toll: its family and scope (and place, unless the whole war)
            family = cfg["family_of"].get(kind, kind)
            r["_key"], r["_date"] = f"{family}/{r['scope']}", r["_art_date"]
            if r["scope"] in wide:  # a toll of the whole war names no place; one that does counts there only
                r["_places"] = [f"in {p}" for p in r["_sent_places"]]
        elif r["_sent_date"] and len(r["_sent_date"]) == 10 and r["_sent_places"]:
            # an incident: its kind, means of attack, place and day ("a gas attack" and "rocket fire" on Aleppo the
            # same day are two events)
            means = sentence_means(r["_sentence"], cfg=cfg)
            r["_key"] = f"{kind}~{means}" if means else kind
            r["_places"], r["_date"] = r["_sent_places"], r["_sent_date"]
        else:  # no place or no date from the text: nothing says another claim is about the same event
            r["_key"], r["_date"] = None, r["_sent_date"] or r["_art_date"]
    events = _events(rows, {True: int(cfg.get("scope_window_days", 7)), False: int(cfg.get("event_window_days", 1))})
    # An event is named by the place its claims name most often (ties: alphabetical) and its earliest date.
    place_counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    first_date: dict[int, str] = {}
    for r, ev in zip(rows, events):
        if ev >= 0:
            for place in r["_places"]:
                place_counts[ev][place] += 1
            first_date[ev] = min(first_date.get(ev, "~"), r["_date"] or "~")
    for r, ev in zip(rows, events):
        counts = place_counts.get(ev)
        at = f"/{min(counts, key=lambda p: (-counts[p], p))}" if counts else ""
        if ev < 0:
            r["claim_group"] = (f"{r['what']}/{(r['_places'] or ['no place'])[0]}/{r['_date'] or 'undated'}"
                                f"/{r['article_id']}:{r['start']}")
        elif r["scope"]:
            family, _, scope = r["_key"].rpartition("/")
            r["claim_group"] = f"{family}/{scope}{at}/{first_date[ev]}"
        else:
            r["claim_group"] = f"{r['_key'].replace('~', '/by ')}{at}/{first_date[ev]}"
        own = cfg["own_source"].get(str(r["outlet"]).lower())
        if r["attributed_to"] is not None and r["attributed_to"] == own:
            r["attributed_to"] = None  # an agency crediting itself ("SANA said" in SANA's own copy)
        r["source"] = r["outlet"] if r["attributed_to"] is None else f"{r['outlet']} / {r['attributed_to']}"
    df = pd.DataFrame(rows)
    df["disagrees"] = disagreement_flags(df)
    return df[cols].sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)


def disagreement_flags(claims: pd.DataFrame) -> pd.Series:
    """Claims with claim_group, source, value, vague -> bool Series: the claim is its source's count for the event
    (the largest it gives, as a total includes its parts: "14 killed, four of them in one strike") and another
    source's count differs.

    Vague magnitudes neither disagree nor make others disagree (their value is a magnitude base, not a claim).
    """
    out = pd.Series(False, index=claims.index)
    precise = claims[~claims["vague"].astype(bool)]
    for _, grp in precise.groupby("claim_group", sort=False):
        if grp["source"].nunique() < 2:
            continue
        tolls = grp.groupby("source")["value"].max()
        if tolls.nunique() < 2:
            continue
        for i, r in grp.iterrows():
            out.at[i] = bool(r["value"] == tolls[r["source"]])
    return out


def disagreements(claims: pd.DataFrame) -> pd.DataFrame:
    """The `figure_claims` table -> the claims of groups where sources disagree (one row per claim).

    Returns:
        DataFrame with columns claim_group, source, value, qualifier, text, article_id, start,
        sorted by claim_group, value, source.
    """
    cols = ["claim_group", "source", "value", "qualifier", "text", "article_id", "start"]
    if claims.empty:
        return pd.DataFrame(columns=cols)
    sub = claims[claims["disagrees"].astype(bool)]
    return sub[cols].sort_values(["claim_group", "value", "source"], kind="stable").reset_index(drop=True)


def ranked_disagreements(claims: pd.DataFrame) -> pd.DataFrame:
    """The `figure_claims` table -> one row per disagreeing group, most sources first.

    Returns:
        DataFrame with columns claim_group, n_sources (distinct sources with a precise value), n_values (distinct
        values), n_claims, low, high (smallest and largest value), sorted by n_sources, n_values (descending),
        then claim_group.
    """
    cols = ["claim_group", "n_sources", "n_values", "n_claims", "low", "high"]
    rows = disagreements(claims)
    if rows.empty:
        return pd.DataFrame(columns=cols)
    out = rows.groupby("claim_group").agg(n_sources=("source", "nunique"), n_values=("value", "nunique"),
                                          n_claims=("value", "size"), low=("value", "min"),
                                          high=("value", "max")).reset_index()
    return out.sort_values(["n_sources", "n_values", "claim_group"], ascending=[False, False, True],
                           kind="stable").reset_index(drop=True)[cols]


# ---------------------------------------------------------------------------------------------------- writing

def figure_sentences(out_dir: str | Path, figures: pd.DataFrame, *, batch_rows: int = 50_000) -> pd.DataFrame:
    """The rows of the `sentences` table that hold a figure's start -> DataFrame (article_id, start, end, text).

    Streams `sentences` in batches, so figure claims need the text of those sentences only, not of the corpus.
    """
    cols = ["article_id", "start", "end", "text"]
    pos = figures[["article_id", "start"]].rename(columns={"start": "at"})
    kept = []
    for batch in iter_table_batches(out_dir, "sentences", columns=cols, batch_rows=batch_rows):
        m = batch.merge(pos, on="article_id")
        m = m[(m["start"] <= m["at"]) & (m["at"] < np.maximum(m["end"], m["start"] + 1))]
        kept.append(m[cols].drop_duplicates(["article_id", "start"]))
    if not kept:
        return pd.DataFrame(columns=cols)
    return pd.concat(kept, ignore_index=True).sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)


def write_timeline_tables(out_dir: str | Path) -> list[Path]:
    """Read the annotation tables in `out_dir`, write `timeline.parquet` and `figure_claims.parquet` -> paths."""
    articles = read_table(out_dir, "articles")
    timex = read_table(out_dir, "timex")
    timeline = timeline_table(timex, articles)
    figures = read_table(out_dir, "figures")
    entities = read_table(out_dir, "entities", columns=["article_id", "start", "end", "text", "label", "canonical"])
    claims = figure_claims_table(figures, articles, figure_sentences(out_dir, figures), timex, entities=entities)
    return [write_table("timeline", timeline, out_dir), write_table("figure_claims", claims, out_dir)]
