"""Voice: whose words a designation is (quoted, reported, syndicated or own), and who speaks them.

Two steps. `assign` is pure and per article: it runs where the annotation records are built (annotate/run.py) and
sets `voice` and `voice_speaker` on every `mentions` row from the article's `quotes` rows, its sentences and the
cues of data/voice.yaml. `apply_reuse` is corpus-level: an analysis that has `reuse_pairs` (wire-copy tracing,
workbench/reuse.py) turns `own` rows inside a sentence aligned with another outlet's article (similarity >= 0.9)
into `syndicated`. Precedence: quoted > reported > syndicated > own. Voice never changes `actor`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .config import VOCAB_DIR

VOICES = ("own", "quoted", "reported", "syndicated")
VOICE_YAML = VOCAB_DIR / "voice.yaml"
QUOTES_YAML = VOCAB_DIR / "quotes.yaml"
REUSE_MIN_SIMILARITY = 0.9


@dataclass(frozen=True)
class Cues:
    """Compiled cues of data/voice.yaml."""

    agency_names: dict[str, str]  # surface name -> canonical agency
    sentence_credits: tuple[re.Pattern, ...]
    article_credits: tuple[re.Pattern, ...]
    said_after: re.Pattern  # "<source> said"
    said_before: re.Pattern  # ", said <source>"
    said_end: re.Pattern  # "... said <source>." ending a sentence that lost its commas
    according: re.Pattern  # "according to <source>"
    not_names: frozenset[str]


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=4)
def load_cues(path: str | Path = VOICE_YAML, quotes_path: str | Path = QUOTES_YAML) -> Cues:
    """data/voice.yaml (+ the speech verbs of data/quotes.yaml) -> compiled Cues."""
    cfg = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    qcfg = yaml.safe_load(Path(quotes_path).read_text(encoding="utf-8"))
    names = {n: canon for canon, ns in cfg["agencies"].items() for n in ns}
    agency = rf"(?P<agency>{_alt(names)})"
    sent = tuple(re.compile(p.replace("{A}", agency)) for p in cfg["sentence_credits"])
    art = tuple(re.compile(p.replace("{A}", agency), re.M) for p in cfg["article_credits"])
    skip = set(cfg["not_reporting"])
    verbs = _alt([v for v in [*qcfg["speech_verbs"], *cfg["extra_verbs"]] if v not in skip])
    nouns = _alt(cfg["source_nouns"])
    # A source: a run of capitalised words (a name, "Syrian state news agency SANA"), or a determiner phrase
    # ending in a source noun ("the Syrian foreign ministry", "a military source"), or a personal pronoun.
    name = r"(?:[A-Z][\w'’.\-]*)(?:\s+(?:(?:of|al|for|the|de|bin)\s+)?[A-Z][\w'’.\-]*){0,6}"
    phrase = rf"(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Tt]heir)\s+(?:[\w'’\-]+\s+){{0,4}}?(?i:{nouns})\b"
    # Pronouns ("it said" of an organisation, "who said" of a person named before) report without a name.
    source = rf"(?P<source>{phrase}|{name}|[Hh]e|[Ss]he|[Tt]hey|[Ii]t|who)"
    said_after = re.compile(rf"(?<![\w'’\-]){source}\s+(?:(?:also|has|have|had|later|"
                            rf"further|earlier)\s+)?(?:{verbs})\b")
    # ", said X" or, in text that lost its commas, "... said X." ending the sentence
    said_before = re.compile(rf",\s*(?:{verbs})\s+{source}")
    # ("told X." names the listener, not the speaker)
    end_verbs = _alt([v for v in [*qcfg["speech_verbs"], *cfg["extra_verbs"]]
                      if v not in skip and not v.startswith("tel") and v != "told"])
    said_end = re.compile(rf"\s(?:{end_verbs})\s+{source}(?=[.!?\"”’]*\s*$)")
    # After "according to" a source needs no determiner ("according to Western intelligence sources").
    bare = rf"(?P<source>(?:(?:[Tt]he|[Aa]n?)\s+)?(?:[\w'’\-]+\s+){{0,4}}?(?:{nouns})\b|{name})"
    according = re.compile(rf"\b(?i:{_alt(cfg['according_to'])})\s+{bare}")
    return Cues(names, sent, art, said_after, said_before, said_end, according, frozenset(cfg["not_names"]))


def _clean_source(text: str, cues: Cues) -> str | None:
    """A matched source -> the speaker to report (None for a pronoun or a non-name)."""
    words = text.split()
    while words and words[0] in cues.not_names and words[0] not in ("The", "A", "An"):
        words = words[1:]
    if not words or text.lower() in ("he", "she", "they", "it", "who"):
        return None
    return " ".join(words).rstrip(".,;:")


def agency_of(text: str, cues: Cues) -> str | None:
    """The canonical agency named in `text` -> name or None."""
    for name, canon in sorted(cues.agency_names.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text):
            return canon
    return None


def _credit(text: str, patterns: Iterable[re.Pattern], cues: Cues) -> str | None:
    """The agency named by the first matching credit pattern -> canonical name or None."""
    for pat in patterns:
        m = pat.search(text)
        if m:
            return cues.agency_names.get(re.sub(r"\s+", " ", m.group("agency")), m.group("agency"))
    return None


def sentence_credit(text: str, cues: Cues) -> str | None:
    """The agency a sentence is credited to ("(Reuters) -", "the AP reported") -> canonical name or None."""
    return _credit(text, cues.sentence_credits, cues)


def article_credit(text: str, cues: Cues) -> str | None:
    """The agency a whole article is credited to ("Reuters contributed", "SOURCE: AFP") -> name or None."""
    return _credit(text, cues.article_credits, cues)


def reported_source(text: str, cues: Cues) -> tuple[int, int, str | None] | None:
    """The source a sentence reports ("X said ...", "..., said X", "according to X") -> (start, end, speaker).

    Offsets are of the source words inside `text` (a designation there is the outlet naming the source, so it
    stays the outlet's voice); speaker is None for a pronoun source.
    """
    for pat in (cues.according, cues.said_before, cues.said_end, cues.said_after):
        for m in pat.finditer(text):
            src = m.group("source")
            if src.split()[0] in cues.not_names and len(src.split()) == 1:
                continue  # "Sunday said", "It said" is no source
            return m.start("source"), m.end("source"), _clean_source(src, cues)
    return None


def _sentence_voice(text: str, cues: Cues) -> tuple[str, str | None, tuple[int, int] | None]:
    """One sentence -> (voice, speaker, source span relative to the sentence) before quotes are considered."""
    agency = sentence_credit(text, cues)
    rep = reported_source(text, cues)
    if rep is not None:
        start, end, speaker = rep
        by_agency = agency_of(text[start:end], cues) if speaker else None
        if by_agency:  # "the AP reported ..." is the agency's copy, not a source the outlet reports
            return "syndicated", by_agency, None
        if agency is None:
            return "reported", speaker, (start, end)
    if agency is not None:
        return "syndicated", agency, None
    return "own", None, None


def assign(mentions: Sequence[dict], quotes: Sequence[dict], sentences: Sequence[dict], text: str, *,
           cues: Cues | None = None) -> list[dict]:
    """One article's `mentions` rows -> the same rows with `voice` and `voice_speaker` set (in place, returned).

    quoted: inside a `quotes` span (speaker = the quote's speaker); reported: in a sentence that reports a named
    source, outside the source's own words; syndicated: in a sentence credited to a wire agency, or anywhere in an
    article credited to one as a whole; own: the rest.
    """
    cues = cues or load_cues()
    whole = article_credit(text, cues)
    spans = sorted((q["start"], q["end"], q.get("speaker")) for q in quotes)
    sents = sorted((s["start"], s["end"]) for s in sentences)
    memo: dict[tuple[int, int], tuple[str, str | None, tuple[int, int] | None]] = {}
    for r in mentions:
        voice, speaker = "own", None
        quote = next((q for q in spans if q[0] <= r["start"] and r["end"] <= q[1]), None)
        if quote is not None:
            voice, speaker = "quoted", quote[2]
        else:
            bounds = (r.get("sent_start"), r.get("sent_end"))
            if bounds[0] is None:
                bounds = next(((s, e) for s, e in sents if s <= r["start"] < e), (r["start"], r["end"]))
            if bounds not in memo:
                memo[bounds] = _sentence_voice(text[bounds[0]:bounds[1]], cues)
            v, spk, src = memo[bounds]
            inside_source = src is not None and src[0] <= r["start"] - bounds[0] < src[1]
            if v != "own" and not inside_source:
                voice, speaker = v, spk
            elif whole is not None:
                voice, speaker = "syndicated", whole
        r["voice"], r["voice_speaker"] = voice, speaker
    return list(mentions)


def apply_reuse(mentions: pd.DataFrame, reuse_pairs: pd.DataFrame, articles: pd.DataFrame, *,
                min_similarity: float = REUSE_MIN_SIMILARITY) -> pd.DataFrame:
    """Corpus-level step: `own` mentions inside a span aligned (>= min_similarity) with a sentence of another
    outlet's article -> `syndicated` (speaker left empty: the alignment does not say who wrote it first).

    Returns a copy; quoted, reported and syndicated rows are kept (they take precedence).
    """
    out = mentions.copy()
    if out.empty or reuse_pairs is None or reuse_pairs.empty or "voice" not in out:
        return out
    outlet = articles.set_index("article_id")["outlet"]
    pairs = reuse_pairs[reuse_pairs["similarity"] >= min_similarity]
    both = pd.concat([
        pairs.rename(columns={"article_a": "article_id", "start_a": "s", "end_a": "e", "article_b": "other"}),
        pairs.rename(columns={"article_b": "article_id", "start_b": "s", "end_b": "e", "article_a": "other"}),
    ])[["article_id", "s", "e", "other"]]
    both = both[both["article_id"].map(outlet).fillna("") != both["other"].map(outlet).fillna("")]
    if both.empty:
        return out
    own = out[out["voice"] == "own"].reset_index()
    hit = own.merge(both, on="article_id")
    hit = hit[(hit["s"] <= hit["start"]) & (hit["end"] <= hit["e"])]
    out.loc[hit["index"].unique(), "voice"] = "syndicated"
    return out


def voice_shares(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, rows and share of each voice -> outlet, voice, count, share."""
    df = mentions.merge(articles[["article_id", "outlet"]], on="article_id")
    counts = df.groupby(["outlet", "voice"]).size().unstack(fill_value=0).reindex(columns=list(VOICES),
                                                                                   fill_value=0)
    long = counts.stack().rename("count").reset_index()
    long["share"] = long["count"] / long.groupby("outlet")["count"].transform("sum")
    return long
