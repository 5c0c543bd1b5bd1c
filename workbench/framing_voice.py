"""Framing by voice: the `framing` and `distinctive_terms` rows for `all` designations and for each voice.

`all` rows are the tables as they were before voice existed (every designation counts for the outlet that printed
it); the rows of `own` count only the outlet's own words, and so on for quoted, reported and syndicated
(workbench/voice.py). Readers that want the old tables keep `voice == "all"`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from .voice import VOICES

ALL = "all"
VOICE_CHOICES = (ALL, *VOICES)


def with_voice(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions -> the same with a `voice` column (tables written before voice existed count as `own`)."""
    if "voice" not in mentions:
        return mentions.assign(voice="own")
    return mentions.assign(voice=mentions["voice"].fillna("own"))


def voice_counts(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions carrying `outlet` and `voice` -> counts per outlet, voice, actor, term."""
    cols = ["outlet", "voice", "actor", "term"]
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in cols} | {"count": pd.Series(dtype="int64")})
    out = mentions.groupby(cols, sort=True, dropna=False).size().rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    return out


def by_voice(counts: pd.DataFrame, table: Callable[[pd.DataFrame], pd.DataFrame], *,
             all_rows: pd.DataFrame | None = None, voices: Iterable[str] = VOICES) -> pd.DataFrame:
    """Counts per outlet, voice, actor, term + a table builder over (outlet, actor, term, count) counts ->
    that table with a `voice` column: the `all` rows (`all_rows` if given, else built over every voice) first,
    then one block per voice that has counts."""
    keys = ["outlet", "actor", "term"]
    if all_rows is None:
        all_rows = table(counts.groupby(keys, sort=True)["count"].sum().reset_index())
    frames = [all_rows.assign(voice=ALL)]
    for v in voices:
        sub = counts[counts["voice"] == v]
        if len(sub):
            frames.append(table(sub[[*keys, "count"]].reset_index(drop=True)).assign(voice=v))
    return pd.concat(frames, ignore_index=True)


def select_voice(table: pd.DataFrame, voice: str = "own") -> pd.DataFrame:
    """The rows of one voice of a `framing` / `distinctive_terms` table (tables without `voice` are `all`)."""
    if voice not in VOICE_CHOICES:
        raise ValueError(f"voice must be one of {VOICE_CHOICES}, not {voice!r}")
    if "voice" not in table:
        return table if voice == ALL else table.iloc[0:0]
    return table[table["voice"] == voice].drop(columns="voice").reset_index(drop=True)


def all_vs_voice(framing: pd.DataFrame, pairs: Iterable[tuple[str, str]], voice: str = "own") -> pd.DataFrame:
    """A `framing` table with voices + (term, actor) pairs -> one row per outlet, term, actor with the `all` and the
    `voice` count, share and 95% interval side by side (an outlet that never uses the term in that voice gets
    count 0 and no share)."""
    cols = ["count", "actor_total", "share", "share_low", "share_high"]
    keys = ["outlet", "actor", "term"]
    wanted = pd.DataFrame(list(pairs), columns=["term", "actor"])

    def pick(v: str) -> pd.DataFrame:
        return select_voice(framing, v).merge(wanted, on=["term", "actor"])[[*keys, *cols]]

    both = pick(ALL).merge(pick(voice), on=keys, how="left", suffixes=("_all", f"_{voice}"))
    both[f"count_{voice}"] = both[f"count_{voice}"].fillna(0).astype(int)
    return both.sort_values(keys, kind="stable").reset_index(drop=True)
