"""Framing comparison: who calls whom what, per outlet, with uncertainty; and which words set each outlet apart.

Reads only the annotation tables (`articles`, `mentions`, `sentences`) and writes the derived tables `framing` and
`distinctive_terms` of SCHEMA.md.

Sources: an article's outlet is its source. Articles whose outlet is missing, empty or "unknown" get the source
label ``unknown:<article_id>``, so two articles of unknown origin are never pooled into one pretend outlet (the
seeds have three such articles, which may come from three different publishers).

Every comparison runs from counts (outlet x term), so a partitioned table of a million articles is aggregated one
part at a time and the parts' counts are summed (see `write_framing_tables`).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS

from .adjust import adjusted_framing, judgements_for
from .blocks import CONTENT_KINDS
from .framing_voice import by_voice, voice_counts, with_voice
# source_label and UNKNOWN_PREFIX stay reachable as framing.* for the notebooks; sources.py owns them.
from .sources import UNKNOWN_PREFIX, article_sources, select_sources, source_label  # noqa: F401
from .stats import Z95, wilson_interval
from .tables import iter_table_batches, iter_table_parts, read_table, table_path, write_table
from .validation import read_judgements, validity_table
from .voice import apply_reuse

DEFAULT_PIVOT_TERMS = ("regime", "government", "army", "forces", "rebels", "opposition", "terrorists", "jihadists")
FRAMING_COLUMNS = ["outlet", "actor", "term", "count", "actor_total", "share", "share_low", "share_high",
                   "per_1k_words"]
DISTINCTIVE_COLUMNS = ["outlet", "term", "count", "count_rest", "log_odds", "z", "kind", "other"]
# Word tokens for the lemma comparison. The rules pipeline has no lemmatiser, so "lemmas" are lowercased word
# tokens of content sentences (letters, inner hyphens/apostrophes kept: "rebel-held", "assad's").
WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def filter_mentions(mentions: pd.DataFrame, sources: pd.DataFrame, *, outlets: Iterable[str] | None = None,
                    actors: Iterable[str] | None = None, terms: Iterable[str] | None = None,
                    block_kinds: Iterable[str] | None = None, date_from: dt.date | str | None = None,
                    date_to: dt.date | str | None = None) -> pd.DataFrame:
    """Mentions + article sources -> the mention rows passing every given filter (None = no filter).

    These are the rows behind every number of the `framing` table: each keeps its article_id and offsets.

    Returns:
        The `mentions` columns plus outlet (source label) and published, sorted by article_id, start.
    """
    src = select_sources(sources, outlets=outlets, date_from=date_from, date_to=date_to)
    df = mentions.merge(src[["article_id", "outlet", "published"]], on="article_id", how="inner")
    if actors is not None:
        df = df[df["actor"].isin(list(actors))]
    if terms is not None:
        df = df[df["term"].isin(list(terms))]
    if block_kinds is not None and "block_kind" in df.columns:
        df = df[df["block_kind"].isin(list(block_kinds))]
    return df.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------- framing

def designation_counts(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions carrying an `outlet` column -> counts per outlet, actor and term.

    Returns:
        DataFrame with columns outlet, actor, term, count (int), sorted.
    """
    cols = ["outlet", "actor", "term"]
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in cols} | {"count": pd.Series(dtype="int64")})
    out = mentions.groupby(cols, sort=True, dropna=False).size().rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    return out


def outlet_words(sources: pd.DataFrame) -> pd.DataFrame:
    """Article sources -> words per outlet (the denominator of rates per 1,000 words).

    Returns:
        DataFrame with columns outlet, n_words (int), n_articles (int).
    """
    out = sources.groupby("outlet", sort=True).agg(n_words=("n_words", "sum"), n_articles=("article_id", "size"))
    return out.reset_index().astype({"n_words": "int64", "n_articles": "int64"})


def sum_counts(frames: Iterable[pd.DataFrame], keys: Sequence[str], *, compact_rows: int = 2_000_000) -> pd.DataFrame:
    """Count frames (e.g. one per table part) -> one frame with `count` summed over equal keys.

    Frames are summed as they come whenever more than `compact_rows` rows wait, so memory holds about one combined
    frame, not every part's counts.
    """
    def combine(fs: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(fs, ignore_index=True).groupby(list(keys), sort=True)["count"].sum().reset_index()

    pending: list[pd.DataFrame] = []
    n = 0
    for f in frames:
        if len(f):
            pending.append(f)
            n += len(f)
        if n > compact_rows and len(pending) > 1:
            pending = [combine(pending)]
            n = len(pending[0])
    if not pending:
        return pd.DataFrame({k: pd.Series(dtype=str) for k in keys} | {"count": pd.Series(dtype="int64")})
    out = combine(pending)
    out["count"] = out["count"].astype("int64")
    return out


def framing_from_counts(counts: pd.DataFrame, words: pd.DataFrame, *, z: float = Z95) -> pd.DataFrame:
    """Designation counts (outlet, actor, term, count) + words per outlet -> the `framing` table.

    share = count / actor_total, where actor_total counts all designations of that actor in that outlet; the
    interval is the 95% Wilson interval of that share; per_1k_words = 1000 * count / words of the outlet.

    Returns:
        DataFrame with columns outlet, actor, term, count, actor_total, share, share_low, share_high,
        per_1k_words; sorted by outlet, actor, term.
    """
    if counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=str if c in ("outlet", "actor", "term") else
                                          "int64" if c in ("count", "actor_total") else float)
                             for c in FRAMING_COLUMNS})
    df = counts[["outlet", "actor", "term", "count"]].copy()
    df["actor_total"] = df.groupby(["outlet", "actor"])["count"].transform("sum").astype("int64")
    df["share"] = df["count"] / df["actor_total"]
    df["share_low"], df["share_high"] = wilson_interval(df["count"].to_numpy(), df["actor_total"].to_numpy(), z=z)
    n_words = df["outlet"].map(words.set_index("outlet")["n_words"]).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        df["per_1k_words"] = np.where(n_words > 0, 1000.0 * df["count"] / n_words, np.nan)
    return df[FRAMING_COLUMNS].sort_values(["outlet", "actor", "term"], kind="stable").reset_index(drop=True)


def framing_table(mentions: pd.DataFrame, articles: pd.DataFrame, *, outlets: Iterable[str] | None = None,
                  actors: Iterable[str] | None = None, block_kinds: Iterable[str] | None = None,
                  date_from: dt.date | str | None = None, date_to: dt.date | str | None = None,
                  z: float = Z95) -> pd.DataFrame:
    """The `mentions` and `articles` tables + filters -> the `framing` table over the selected rows.

    Filtering by actor keeps whole actors, so each share stays a share of that actor's designations. Words per
    outlet count every selected article of the outlet (all blocks), whatever the block-kind filter.

    Returns:
        The columns of `framing_from_counts`.
    """
    sources = article_sources(articles)
    rows = filter_mentions(mentions, sources, outlets=outlets, actors=actors, block_kinds=block_kinds,
                           date_from=date_from, date_to=date_to)
    words = outlet_words(select_sources(sources, outlets=outlets, date_from=date_from, date_to=date_to))
    return framing_from_counts(designation_counts(rows), words, z=z)


def fill_terms(framing: pd.DataFrame, *, actor: str, terms: Sequence[str], z: float = Z95) -> pd.DataFrame:
    """`framing` rows + an actor and terms -> that actor's rows for those terms, with a count-0 row (and its
    Wilson interval, e.g. 0 of 16 -> 0 to 0.19) wherever an outlet designates the actor but never with the term.

    Returns:
        The `framing` columns, sorted by outlet, term (in the order given).
    """
    rows = framing[framing["actor"] == actor]
    totals = rows.groupby("outlet", sort=True).agg(actor_total=("actor_total", "first"))
    grid = pd.MultiIndex.from_product([totals.index, list(terms)], names=["outlet", "term"]).to_frame(index=False)
    out = grid.merge(rows.drop(columns="actor_total"), on=["outlet", "term"], how="left")
    out["actor"] = actor
    out["actor_total"] = out["outlet"].map(totals["actor_total"]).astype("int64")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["per_1k_words"] = out["per_1k_words"].fillna(0.0)
    out["share"] = out["count"] / out["actor_total"]
    out["share_low"], out["share_high"] = wilson_interval(out["count"].to_numpy(), out["actor_total"].to_numpy(), z=z)
    order = {t: i for i, t in enumerate(terms)}
    out = out.assign(_o=out["term"].map(order)).sort_values(["outlet", "_o"], kind="stable")
    return out[FRAMING_COLUMNS].reset_index(drop=True)


def term_pivot(framing: pd.DataFrame, *, terms: Sequence[str] | None = DEFAULT_PIVOT_TERMS, actor: str | None = None,
               value: str = "share") -> pd.DataFrame:
    """A `framing` frame -> a wide view: one row per outlet, one column per chosen term, cells = `value`.

    With `actor`, cells are that actor's rows (value: count, share, share_low, share_high or per_1k_words). Without
    it, counts and rates are summed over actors and share is the term's share of all the outlet's designations.
    Terms an outlet never uses show 0 (count, share, rate); outlets with no designation of the actor are absent.
    """
    df = framing
    if actor is not None:
        df = df[df["actor"] == actor]
    else:
        df = df.groupby(["outlet", "term"], sort=True).agg(count=("count", "sum"), per_1k_words=("per_1k_words", "sum"))
        df = df.reset_index()
        df["share"] = df["count"] / df.groupby("outlet")["count"].transform("sum")
    wide = df.pivot_table(index="outlet", columns="term", values=value, aggfunc="sum", fill_value=0, sort=True)
    if terms is not None:
        wide = wide.reindex(columns=list(terms), fill_value=0)
    wide.columns.name = "term"
    return wide


# ------------------------------------------------------------------------------------------ distinctive terms

def informative_prior(background: np.ndarray | Sequence[float], *, alpha0: float | None = None) -> np.ndarray:
    """Background term counts -> Dirichlet prior pseudo-counts alpha_w (Monroe et al. 2008, section 3.5.3).

    alpha_w = alpha0 * background_w / sum(background). With alpha0=None the background counts themselves are the
    prior (alpha0 = their total), the usual "Fightin' Words" choice when the background is the pooled corpus.

    References:
        Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words: Lexical feature selection and
        evaluation for identifying the content of political conflict. Political Analysis, 16(4), 372-403.
    """
    bg = np.asarray(background, dtype=float)
    total = bg.sum()
    if alpha0 is None or total <= 0:
        return bg.copy()
    return alpha0 * bg / total


def log_odds_dirichlet(cat_counts: np.ndarray | Sequence[float], other_counts: np.ndarray | Sequence[float],
                       prior: np.ndarray | Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Term counts of a category, of the others, and prior pseudo-counts -> (log-odds ratio delta, z-score).

    delta_w = log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - log((y_j + a_w) / (n_j + a0 - y_j - a_w))  (eq. 16),
    var(delta_w) ~= 1/(y_i + a_w) + 1/(y_j + a_w)  (eq. 18),  z_w = delta_w / sqrt(var)  (eq. 22).
    Positive z: the term is more typical of the category than of the others.

    References:
        Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words: Lexical feature selection and
        evaluation for identifying the content of political conflict. Political Analysis, 16(4), 372-403.
    """
    yi = np.asarray(cat_counts, dtype=float)
    yj = np.asarray(other_counts, dtype=float)
    a = np.asarray(prior, dtype=float)
    a0, ni, nj = a.sum(), yi.sum(), yj.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = np.log((yi + a) / (ni + a0 - yi - a)) - np.log((yj + a) / (nj + a0 - yj - a))
        z = delta / np.sqrt(1.0 / (yi + a) + 1.0 / (yj + a))
    return delta, z


def _score_frame(terms: np.ndarray, yi: np.ndarray, yj: np.ndarray, prior: np.ndarray, *, outlet: str, other: str,
                 kind: str) -> pd.DataFrame:
    delta, z = log_odds_dirichlet(yi, yj, prior)
    return pd.DataFrame({"outlet": outlet, "term": terms, "count": yi.astype("int64"),
                         "count_rest": yj.astype("int64"), "log_odds": delta, "z": z, "kind": kind, "other": other})


def _term_matrix(counts: pd.DataFrame, min_total: int) -> pd.DataFrame:
    wide = counts.pivot_table(index="term", columns="outlet", values="count", aggfunc="sum", fill_value=0, sort=True)
    return wide[wide.sum(axis=1) >= min_total]


def _sort_distinctive(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("log_odds", "z") else
                                          "int64" if c in ("count", "count_rest") else str)
                             for c in DISTINCTIVE_COLUMNS})
    df = df.assign(_neg=-df["z"]).sort_values(["kind", "outlet", "_neg", "term"], kind="stable")
    return df.drop(columns="_neg")[DISTINCTIVE_COLUMNS].reset_index(drop=True)


def distinctive_from_counts(counts: pd.DataFrame, *, kind: str = "lemma", min_total: int = 1,
                            alpha0: float | None = None) -> pd.DataFrame:
    """Term counts per outlet (outlet, term, count) -> the `distinctive_terms` rows of each outlet vs all others.

    The prior is the pooled counts of all outlets (`informative_prior`); terms with fewer than `min_total`
    occurrences overall are left out. Needs at least two outlets.

    Returns:
        DataFrame with columns outlet, term, count, count_rest, log_odds, z, kind, other ("rest"); sorted by kind,
        outlet, z descending, term.

    References:
        Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words. Political Analysis, 16(4), 372-403.
    """
    wide = _term_matrix(counts, min_total)
    if wide.shape[1] < 2 or wide.empty:
        return _sort_distinctive(pd.DataFrame(columns=DISTINCTIVE_COLUMNS))
    total = wide.sum(axis=1).to_numpy(dtype=float)
    prior = informative_prior(total, alpha0=alpha0)
    terms = wide.index.to_numpy()
    parts = [_score_frame(terms, wide[o].to_numpy(float), total - wide[o].to_numpy(float), prior, outlet=str(o),
                          other="rest", kind=kind) for o in wide.columns]
    return _sort_distinctive(pd.concat(parts, ignore_index=True))


def distinctive_sparse(counts: pd.DataFrame, *, kind: str = "lemma", min_total: int = 1,
                       alpha0: float | None = None) -> pd.DataFrame:
    """Term counts per outlet -> the `distinctive_from_counts` rows of the terms each outlet used (count > 0).

    Same log-odds and z, computed row by row on the long counts: no dense outlet x term matrix, so memory follows
    the counts, not outlets times vocabulary (with an unknown outlet every article is an outlet of its own, and a
    corpus of thousands of articles made that matrix, and the rows of terms an outlet never used, outgrow memory).
    """
    outlets = counts.loc[counts["count"] > 0, "outlet"].nunique() if len(counts) else 0
    total = counts.groupby("term", sort=True)["count"].sum() if len(counts) else pd.Series(dtype="int64")
    total = total[total >= min_total]
    if outlets < 2 or total.empty:
        return _sort_distinctive(pd.DataFrame(columns=DISTINCTIVE_COLUMNS))
    prior = pd.Series(informative_prior(total.to_numpy(dtype=float), alpha0=alpha0), index=total.index)
    c = counts[(counts["count"] > 0) & counts["term"].isin(total.index)]
    yi = c["count"].to_numpy(dtype=float)
    yj = c["term"].map(total).to_numpy(dtype=float) - yi
    a = c["term"].map(prior).to_numpy(dtype=float)
    ni = c["outlet"].map(c.groupby("outlet")["count"].sum()).to_numpy(dtype=float)
    nj = float(total.sum()) - ni
    a0 = float(prior.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = np.log((yi + a) / (ni + a0 - yi - a)) - np.log((yj + a) / (nj + a0 - yj - a))
        z = delta / np.sqrt(1.0 / (yi + a) + 1.0 / (yj + a))
    out = pd.DataFrame({"outlet": c["outlet"].astype(str).to_numpy(), "term": c["term"].to_numpy(),
                        "count": yi.astype("int64"), "count_rest": yj.astype("int64"), "log_odds": delta, "z": z,
                        "kind": kind, "other": "rest"})
    return _sort_distinctive(out)


def compare_groups(counts: pd.DataFrame, group_a: Sequence[str], group_b: Sequence[str], *,
                   name_a: str | None = None, name_b: str | None = None, kind: str = "lemma", min_total: int = 1,
                   alpha0: float | None = None) -> pd.DataFrame:
    """Term counts per outlet + two groups of outlets -> `distinctive_terms` rows of group A vs group B.

    The prior is the pooled counts of the two groups. `outlet` holds group A's name (default: its outlets joined by
    " + "), `other` group B's name, `count_rest` group B's count. Positive z: typical of group A.

    Returns:
        DataFrame with columns outlet, term, count, count_rest, log_odds, z, kind, other.
    """
    a, b = list(group_a), list(group_b)
    if set(a) & set(b):
        raise ValueError(f"outlets in both groups: {sorted(set(a) & set(b))}")
    sel = counts[counts["outlet"].isin(a + b)].assign(outlet=lambda d: np.where(d["outlet"].isin(a), "A", "B"))
    wide = _term_matrix(sel, min_total).reindex(columns=["A", "B"], fill_value=0)
    yi, yj = wide["A"].to_numpy(float), wide["B"].to_numpy(float)
    prior = informative_prior(yi + yj, alpha0=alpha0)
    out = _score_frame(wide.index.to_numpy(), yi, yj, prior, outlet=name_a or " + ".join(a),
                       other=name_b or " + ".join(b), kind=kind)
    return _sort_distinctive(out)


def words(text: str, *, stop_words: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """A text -> its lowercased word tokens (possessive 's and one-letter tokens dropped), stop words left out."""
    out = []
    for m in WORD_RE.finditer(text):
        w = m.group().lower().replace("’", "'")
        w = w[:-2] if w.endswith("'s") else w  # possessive: "regime's" counts as "regime"
        if len(w) > 1 and w not in stop_words:  # single letters are initials and split abbreviations ("U.S.")
            out.append(w)
    return out


def lemma_counts(sentences: pd.DataFrame, sources: pd.DataFrame, *, block_kinds: Iterable[str] | None = CONTENT_KINDS,
                 stop_words: frozenset[str] | set[str] = STOP_WORDS) -> pd.DataFrame:
    """The `sentences` table + article sources -> word counts per outlet over the chosen block kinds.

    Words are lowercased word tokens (see `WORD_RE`) without spaCy's English stop words: the rules pipeline has no
    lemmatiser, and function words would otherwise fill the top of every list.

    Returns:
        DataFrame with columns outlet, term, count (int).
    """
    df = sentences
    if block_kinds is not None:
        df = df[df["block_kind"].isin(list(block_kinds))]
    df = df.merge(sources[["article_id", "outlet"]], on="article_id", how="inner")
    if df.empty:
        return sum_counts([], ["outlet", "term"])
    toks = pd.DataFrame({"outlet": df["outlet"].to_numpy(),
                         "term": [words(t, stop_words=stop_words) for t in df["text"]]}).explode("term")
    toks = toks.dropna(subset=["term"])
    out = toks.groupby(["outlet", "term"], sort=True).size().rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    return out


# ---------------------------------------------------------------------------------------------------- writing

def write_framing_tables(out_dir: str | Path, *, lemma_min_total: int = 2,
                         judgements: str | Path | None = None) -> list[Path]:
    """A folder of annotation tables -> writes `framing` and `distinctive_terms` there; returns the paths written.

    Mentions and sentences are counted one table part at a time and the counts summed, so memory holds counts,
    not text. distinctive_terms holds two kinds: "designation" (designation terms, all actors pooled) and "lemma"
    (content-sentence words seen at least `lemma_min_total` times, the words each outlet used), each outlet vs the
    rest. When judged mentions of this corpus exist (`judgements`, default data/judgements), framing gains the
    columns of `workbench.adjust.adjusted_framing` (shares adjusted for measured precision).
    """
    articles = read_table(out_dir, "articles")
    sources = article_sources(articles)
    src = sources[["article_id", "outlet"]]
    # Voice is final here: the per-article voice of annotation, plus wire copy traced across outlets when
    # `reuse_pairs` was written (run reuse before framing: `analyze` does).
    pairs = read_table(out_dir, "reuse_pairs") if table_path(out_dir, "reuse_pairs").exists() else None
    mention_cols = ["article_id", "start", "end", "term", "actor", "voice"]
    parts = (with_voice(apply_reuse(with_voice(p), pairs, articles) if pairs is not None else p)
             for p in iter_table_parts(out_dir, "mentions", columns=mention_cols))
    desig_v = sum_counts((voice_counts(p.merge(src, on="article_id", how="inner")) for p in parts),
                         ["outlet", "voice", "actor", "term"])
    desig = sum_counts([desig_v], ["outlet", "actor", "term"])
    lemmas = sum_counts((lemma_counts(p, sources) for p in
                         iter_table_batches(out_dir, "sentences", columns=["article_id", "block_kind", "text"])),
                        ["outlet", "term"])
    words = outlet_words(sources)
    framing = adjusted_framing(framing_from_counts(desig, words), judgements_for(out_dir, judgements))
    framing = by_voice(desig_v, lambda c: framing_from_counts(c, words), all_rows=framing)

    def designation_terms(c: pd.DataFrame) -> pd.DataFrame:
        return distinctive_from_counts(sum_counts([c[["outlet", "term", "count"]]], ["outlet", "term"]),
                                       kind="designation")

    lemma_rows = distinctive_sparse(lemmas, kind="lemma", min_total=lemma_min_total).assign(voice="all")
    distinct = pd.concat([by_voice(desig_v, designation_terms),
                          lemma_rows], ignore_index=True)
    meta = {"analysis": "framing"}
    return [write_table("framing", framing, out_dir, metadata=meta),
            write_table("distinctive_terms", pd.concat(
                [_sort_distinctive(g).assign(voice=v) for v, g in distinct.groupby("voice", sort=False)],
                ignore_index=True), out_dir, metadata=meta)]


def write_validity(out: str | Path, source: str | Path | Iterable[str | Path]) -> list[Path]:
    """Judgements (files or folders) on `out` -> writes `validity` there, and `framing` again with adjusted shares
    when mentions were judged and a framing table exists; returns the paths written."""
    judgements = read_judgements(source)
    written = [write_table("validity", validity_table(out, judgements), out, metadata={"analysis": "validity"})]
    if table_path(out, "framing").exists() and isinstance(source, (str, Path)):
        written += write_framing_tables(out, judgements=source)
    return written
