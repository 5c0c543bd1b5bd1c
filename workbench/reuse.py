"""Wire-copy tracing: sentences shared across outlets, the word edits each outlet made, and their likely source.

Reads only the `articles`, `sentences` (and for credits the attribution rows of `sentences`) tables.

Method (after passim, Smith et al. 2014, without Spark):
1. Every headline/body/subheading sentence of >= MIN_WORDS words becomes a set of *shingles*: pairs of adjacent
   content words (function words of data/reuse.yaml skipped, words lower-cased with a crude plural/possessive
   strip), so "government forces" and "the government's forces" share a shingle and paraphrases keep some.
2. An inverted index over the shingles, held as two flat numpy arrays (uint64 shingle key, int32 sentence number),
   is sorted shard by shard; shingles in more than MAX_DF sentences are too common to be evidence and dropped
   (passim's `--max-df`); every other shingle proposes the sentence pairs of *different sources* that share it.
   Pairs sharing >= MIN_SHARED shingles are candidates, so the cost follows the number of shared shingles, not the
   square of the corpus.
3. Candidates are scored on their content words: similarity = max(Indel similarity of the content-word
   sequences (rapidfuzz), Dice overlap of the content-word sets). The first rewards copy kept in order, the second
   paraphrase and translation where most content words survive in another order. Pairs scoring above
   THRESHOLD = 0.5, a floor that a restatement does not reach, are kept: a headline against the lede that restates
   it in other words scores 0.45-0.5 (0.49 in a republished Reuters story), and so do template sentences of
   different events ("N civilians killed in terrorist rocket attack in Aleppo") and datelines ("November 19, 2019
   / 12:21 AM" against "November 19, 2019 6:30 AM": exactly 0.5, as short lines sharing half their words do). Of
   the pairs 0.45-0.5 read by hand on FA-KES, one or two in ten were shared copy. The price: the seeds' translated
   article loses its two loosest translated sentences (0.47, 0.49).
4. Pairs are one-to-one (`one_to_one`): each sentence keeps at most one partner in each other article, the most
   similar (greedy matching), so a line repeated in one article pairs once and a headline pairs with the other
   headline, not also with the lede that restates it.
5. For each pair, the LCS alignment of the two word sequences (rapidfuzz Indel opcodes) gives word-level edits;
   adjacent delete+insert runs merge into one `replace`. Offsets index each original article text.

Scale: the index is two numpy arrays (12 bytes per shingle occurrence, no Python object per shingle). Sharding is
by a hash of the shingle key: shard k holds the shingles with hash % n_shards == k, so shards can be built on
separate machines and only the (int64) candidate pair keys are merged and counted; verification of candidates
partitions by the first sentence's article. `reuse_stream` runs the same steps out of core (disk buckets); it is
what the reuse analysis runs (`reuse_stream.write_reuse_tables_ooc`), and `align` here is the in-memory reference
for notebooks and tests. MinHash LSH
(datasketch) was not used: its Python object per document and per band is what outgrows memory at tens of millions
of sentences.

References:
    Smith, D. A., Cordell, R., Dillon, E. M. (2013/2014). Infectious texts: modeling text reuse in
    nineteenth-century newspapers; passim (github.com/dasmiq/passim).
"""
from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import yaml
from rapidfuzz.distance import Indel

from .config import VOCAB_DIR
from .sources import is_unknown, source_label
from .tables import read_table

REUSE_YAML = VOCAB_DIR / "reuse.yaml"
REUSE_KINDS = ("headline", "body", "subheading")
THRESHOLD = 0.5
MIN_WORDS = 6
MIN_SHARED = 2
MAX_DF = 100
N_SHARDS = 8
LOOKUP_LIMIT = 500_000  # words cached between sentences while indexing
WORD = re.compile(r"\w+(?:['’]\w+)*")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads shingle keys evenly over shards


class Edit(NamedTuple):
    """One word-level edit inside an aligned pair (offsets relative to each sentence start)."""

    op: str
    start_a: int
    end_a: int
    start_b: int
    end_b: int


@lru_cache(maxsize=4)
def load_vocab(path: str | Path = REUSE_YAML) -> tuple[frozenset[str], dict[str, re.Pattern]]:
    """Read data/reuse.yaml -> (stopwords, {wire name: regex matching any of its names as words})."""
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh) or {}
    stop = frozenset(str(w).lower() for w in cfg.get("stopwords", []))
    # Names match case-insensitively, except short acronyms ("AP", "AA"), which must be upper case to count.
    alt = lambda a: re.escape(a) if len(a) > 3 else f"(?-i:{re.escape(a)})"  # noqa: E731
    wires = {name: re.compile(r"\b(?:" + "|".join(alt(a) for a in aliases) + r")\b", re.IGNORECASE)
             for name, aliases in (cfg.get("wires") or {}).items()}
    return stop, wires


def source_of(outlet: object, article_id: str) -> str:
    """An article's outlet -> its source key (`sources.source_label`, outlet names compared without case)."""
    label = source_label(outlet, article_id)
    return label if is_unknown(outlet) else label.lower()


def outlet_label(outlet: object, article_id: str) -> str:
    """An article's outlet for display -> the outlet name, or the article id when the outlet is unknown."""
    return article_id if is_unknown(outlet) else source_label(outlet, article_id)


def words(text: str) -> list[tuple[int, int, str]]:
    """A sentence -> its word tokens as (start, end, lower-cased form), punctuation left out."""
    low = text.lower().replace("’", "'")
    if len(low) != len(text):  # a few characters (e.g. "İ") grow when lower-cased: lower token by token
        return [(m.start(), m.end(), m.group().lower().replace("’", "'")) for m in WORD.finditer(text)]
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(low)]


def _stem(word: str) -> str:
    # A crude plural/possessive strip instead of a lemmatizer: the tables carry no lemmas and a rule lemmatizer
    # would cost more than the whole index; it only has to make "forces"/"force" one shingle word.
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def content_words(text: str, stop: frozenset[str]) -> list[str]:
    """A sentence -> its content words (lower-cased, stemmed, function words dropped), in order."""
    return [_stem(w) for _, _, w in words(text) if w not in stop]


class ShingleIndex(NamedTuple):
    """Compact per-sentence data: content-word ids (CSR: ids[ptr[i]:ptr[i+1]]) and the shingle rows."""

    ids: np.ndarray  # int32 content-word ids of all sentences, concatenated
    ptr: np.ndarray  # int64 offsets into ids, one more than sentences
    keys: np.ndarray  # uint64 shingle key per row
    sent: np.ndarray  # int32 sentence number per row


def shingle_index(texts: Iterable[str], *, stop: frozenset[str], min_words: int = MIN_WORDS,
                  lookup: dict[str, int] | None = None) -> ShingleIndex:
    """Sentence texts -> ShingleIndex: content-word ids per sentence and one row per shingle occurrence.

    A shingle is a pair of adjacent content words, keyed by the two words' ids. A word's id is a 31-bit CRC of its
    stemmed form, not a vocabulary number: no vocabulary has to be held (or shared between shards), and a rare
    collision only proposes a candidate that scoring then judges. Sentences shorter than `min_words` words get no
    content words (they are never aligned). `lookup` (lower-cased word -> content id, or -1 for a function word) is
    a cache that may be shared between calls on successive batches.
    """
    lookup = {} if lookup is None else lookup
    ids, lens = array("i"), array("q")
    get = lookup.get
    for text in texts:
        toks = WORD.findall(text.lower())
        if len(toks) < min_words:
            lens.append(0)
            continue
        ks = [get(w, -2) for w in toks]  # the common case, all words seen before, stays in one comprehension
        if -2 in ks:
            for j, w in enumerate(toks):
                if ks[j] == -2:
                    norm = w.replace("’", "'")
                    ks[j] = lookup[w] = -1 if norm in stop else zlib.crc32(_stem(norm).encode()) >> 1
            if len(lookup) > LOOKUP_LIMIT:  # a cache, not a vocabulary: bounded memory on any corpus
                lookup.clear()
        row = [k for k in ks if k >= 0]
        ids.extend(row)
        lens.append(len(row))
    cid = np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, np.int32)
    nlen = np.frombuffer(lens, dtype=np.int64) if len(lens) else np.zeros(0, np.int64)
    ptr = np.r_[0, np.cumsum(nlen)].astype(np.int64)
    sent = np.repeat(np.arange(len(nlen), dtype=np.int32), nlen)
    if len(cid) < 2:
        return ShingleIndex(cid, ptr, np.zeros(0, np.uint64), np.zeros(0, np.int32))
    same = sent[1:] == sent[:-1]
    keys = (cid[:-1][same].astype(np.uint64) << np.uint64(32)) | cid[1:][same].astype(np.uint64)
    # A shingle repeated inside one sentence stays here; candidate_pairs drops the repeat after its sort.
    return ShingleIndex(cid, ptr, keys, sent[1:][same])


def shard_of(keys: np.ndarray, n_shards: int) -> np.ndarray:
    """Shingle keys -> their shard (or disk bucket) number in [0, n_shards), spread evenly by Fibonacci hashing."""
    return ((keys * _MIX) >> np.uint64(40)) % np.uint64(max(n_shards, 1))


def shingle_groups(keys: np.ndarray, sent: np.ndarray, *, max_df: int = MAX_DF):
    """Shingle rows (all rows of each key present) -> yields (a, b) int64 arrays of sentences sharing a shingle.

    A shingle counts once per sentence; shingles in one sentence only or in more than `max_df` are skipped. Pairs
    come with a < b, one array pair per group size (so memory follows the largest group, not the whole set).
    """
    if len(keys) == 0:
        return
    order = np.lexsort((sent, keys))
    f, s = keys[order], sent[order]
    first = np.r_[True, (f[1:] != f[:-1]) | (s[1:] != s[:-1])]  # a shingle counts once per sentence
    f, s = f[first], s[first]
    starts = np.flatnonzero(np.r_[True, f[1:] != f[:-1]])
    sizes = np.diff(np.r_[starts, len(f)])
    ok = (sizes >= 2) & (sizes <= max_df)
    for size in np.unique(sizes[ok]):
        block = s[starts[ok & (sizes == size)][:, None] + np.arange(size)]
        i, j = np.triu_indices(int(size), 1)
        yield block[:, i].ravel().astype(np.int64), block[:, j].ravel().astype(np.int64)


def candidate_pairs(keys: np.ndarray, sent: np.ndarray, source: np.ndarray, *, max_df: int = MAX_DF,
                    min_shared: int = MIN_SHARED, n_shards: int = N_SHARDS) -> np.ndarray:
    """Shingle index + source code per sentence -> int64 array (k, 2) of sentence pairs (a < b) worth scoring.

    A pair qualifies when its sentences come from different sources and share >= `min_shared` shingles that occur
    in at most `max_df` sentences.
    """
    n = np.int64(len(source))
    shard = shard_of(keys, n_shards)
    found = []
    for k in range(max(n_shards, 1)):
        m = shard == k
        for a, b in shingle_groups(keys[m], sent[m], max_df=max_df):
            keep = source[a] != source[b]
            found.append(a[keep] * n + b[keep])
    if not found:
        return np.zeros((0, 2), np.int64)
    uniq, counts = np.unique(np.concatenate(found), return_counts=True)
    hit = uniq[counts >= min_shared]
    return np.stack([hit // n, hit % n], axis=1)


def one_to_one(sent_a: np.ndarray, sent_b: np.ndarray, art_a: np.ndarray, art_b: np.ndarray, sim: np.ndarray,
               tie: tuple[np.ndarray, ...]) -> np.ndarray:
    """Scored sentence pairs -> boolean mask of a one-to-one subset: each sentence keeps one partner per article.

    Greedy matching by similarity (ties: the `tie` arrays, integers, in order): the most similar pair is kept and
    every other pair of its two sentences with the same two articles dropped, and so on. Done in rounds of mutually
    best pairs, which gives the greedy result without a Python loop per pair. So a duplicate line pairs once, and
    a headline pairs with the other article's headline, not also with the lede that restates it.
    """
    n = len(sim)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    order = np.lexsort(tuple(np.asarray(t) for t in reversed(tie)) + (-np.asarray(sim),))
    m = np.int64(max(int(np.max(art_a)), int(np.max(art_b))) + 1)
    g1 = np.asarray(sent_a, dtype=np.int64) * m + np.asarray(art_b, dtype=np.int64)  # a sentence, the other article
    g2 = np.asarray(sent_b, dtype=np.int64) * m + np.asarray(art_a, dtype=np.int64)
    alive = order
    while len(alive):
        first1 = ~pd.Series(g1[alive]).duplicated().to_numpy()  # rows come best first: first = best of its group
        first2 = ~pd.Series(g2[alive]).duplicated().to_numpy()
        win = alive[first1 & first2]
        keep[win] = True
        alive = alive[~(np.isin(g1[alive], g1[win]) | np.isin(g2[alive], g2[win]))]
    return keep


def similarity(a: str, b: str, *, stop: frozenset[str] | None = None) -> float:
    """Two sentences -> similarity in [0, 1]: max(content-word Indel similarity, content-word Dice overlap)."""
    stop = load_vocab()[0] if stop is None else stop
    return _score(content_words(a, stop), content_words(b, stop))


def _score(ca: list, cb: list) -> float:
    # Function words are left out of both measures: two unrelated sentences built the same way ("the X of the Y
    # in Z") share them in order, which would lift a whole-sequence score to ~0.5.
    if not ca or not cb:
        return 0.0
    sa, sb = set(ca), set(cb)
    return max(Indel.normalized_similarity(ca, cb), 2 * len(sa & sb) / (len(sa) + len(sb)))


def edits(a: str, b: str) -> list[Edit]:
    """Two aligned sentences -> their word-level edits (replace, insert, delete), offsets relative to each sentence.

    Runs of LCS deletions and insertions between two matching words merge into one `replace`, as difflib would.
    """
    return _edits(_tokens(a), _tokens(b), len(a), len(b))


def _tokens(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    # Same tokens as words(), as two lists: findall runs in C, and spans are only read at edit boundaries.
    low = text.lower().replace("’", "'")
    if len(low) != len(text):
        w = words(text)
        return [t for *_, t in w], [(s, e) for s, e, _ in w]
    return WORD.findall(low), [m.span() for m in WORD.finditer(low)]


def _edits(ta: tuple[list[str], list], tb: tuple[list[str], list], len_a: int, len_b: int) -> list[Edit]:
    ops = Indel.opcodes(ta[0], tb[0])
    out: list[Edit] = []
    pending: list[int] | None = None  # [i1, i2, j1, j2] of the current non-equal run (word indices)
    for op in list(ops) + [None]:
        if op is not None and op.tag != "equal":
            if pending is None:
                pending = [op.src_start, op.src_end, op.dest_start, op.dest_end]
            else:
                pending[1], pending[3] = max(pending[1], op.src_end), max(pending[3], op.dest_end)
            continue
        if pending is not None:
            out.append(_edit(pending, ta[1], tb[1], len_a, len_b))
            pending = None
    return out


def _edit(run: list[int], spans_a: list, spans_b: list, len_a: int, len_b: int) -> Edit:
    i1, i2, j1, j2 = run

    def span(spans: list, i: int, j: int, total: int) -> tuple[int, int]:
        if j > i:
            return spans[i][0], spans[j - 1][1]
        pos = spans[i][0] if i < len(spans) else (spans[-1][1] if spans else total)
        return pos, pos

    op = "replace" if i2 > i1 and j2 > j1 else ("delete" if i2 > i1 else "insert")
    return Edit(op, *span(spans_a, i1, i2, len_a), *span(spans_b, j1, j2, len_b))


def reuse_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """The `sentences` table -> the rows eligible for reuse (headline, body, subheading), sorted, index reset."""
    s = sentences[sentences["block_kind"].isin(REUSE_KINDS)]
    ordered = (s["article_id"].is_monotonic_increasing
               and not ((s["article_id"].to_numpy()[1:] == s["article_id"].to_numpy()[:-1])
                        & (np.diff(s["start"].to_numpy()) < 0)).any())
    if not ordered:  # tables are written sorted, so this copy is only for frames built by hand
        s = s.sort_values(["article_id", "start"], kind="stable")
    return s.reset_index(drop=True)


def align(sentences: pd.DataFrame, articles: pd.DataFrame, *, threshold: float = THRESHOLD,
          max_df: int = MAX_DF, min_shared: int = MIN_SHARED, n_shards: int = N_SHARDS) -> pd.DataFrame:
    """Sentences + articles tables -> aligned sentence pairs across sources, one row per pair.

    Returns:
        DataFrame with columns article_a, start_a, end_a, article_b, start_b, end_b, similarity (the `reuse_pairs`
        table), plus sent_a, sent_b (row numbers into `reuse_sentences(sentences)`) and best (always True now that
        pairs are one-to-one), sorted by article_a, start_a, article_b, start_b.
    """
    stop, _ = load_vocab()
    sents = reuse_sentences(sentences)
    src_of = {r.article_id: source_of(r.outlet, r.article_id) for r in articles.itertuples()}
    codes = pd.factorize(sents["article_id"].map(lambda a: src_of.get(a, f"unknown:{a}")))[0].astype(np.int64)
    index = shingle_index(sents["text"], stop=stop)  # streamed: no list of all texts is kept
    cand = candidate_pairs(index.keys, index.sent, codes, max_df=max_df, min_shared=min_shared, n_shards=n_shards)
    ids, ptr = index.ids, index.ptr

    @lru_cache(maxsize=4096)  # pairs come sorted by sentence a, so a small cache holds the repeats
    def content(i: int) -> list[int]:
        return ids[ptr[i]:ptr[i + 1]].tolist()

    sims = np.fromiter((_score(content(a), content(b)) for lo in range(0, len(cand), 100_000)
                        for a, b in cand[lo:lo + 100_000].tolist()), dtype=np.float64, count=len(cand))
    keep = sims > threshold  # above the floor: short lines sharing half their words score exactly 0.5
    a, b, sims = cand[keep, 0], cand[keep, 1], sims[keep]
    art, st, en = sents["article_id"].to_numpy(), sents["start"].to_numpy(), sents["end"].to_numpy()
    out = pd.DataFrame({
        "article_a": art[a], "start_a": st[a].astype(np.int64), "end_a": en[a].astype(np.int64),
        "article_b": art[b], "start_b": st[b].astype(np.int64), "end_b": en[b].astype(np.int64),
        "similarity": np.round(sims, 4), "sent_a": a, "sent_b": b,
    })
    codes = pd.factorize(np.r_[out["article_a"].to_numpy(), out["article_b"].to_numpy()], sort=True)[0]
    ca, cb = codes[:len(out)], codes[len(out):]
    keep = one_to_one(out["sent_a"].to_numpy(), out["sent_b"].to_numpy(), ca, cb, out["similarity"].to_numpy(),
                      (ca, out["start_a"].to_numpy(), cb, out["start_b"].to_numpy()))
    out = out[keep].sort_values(["article_a", "start_a", "article_b", "start_b"], kind="stable")
    out = out.reset_index(drop=True)
    out["best"] = True  # every pair left is one-to-one; the column stays for readers of older frames
    return out


def substitutions_frame(pairs: pd.DataFrame, sentences: pd.DataFrame, *, chunk: int = 5_000) -> pd.DataFrame:
    """Aligned pairs (from `align`) + sentences -> word-level edits of the best pairs (the `substitutions` table).

    Returns:
        DataFrame with columns article_a, start_a, end_a, text_a, article_b, start_b, end_b, text_b, op; offsets
        index each original article text (sentence start + word offset).
    """
    cols = ["article_a", "start_a", "end_a", "text_a", "article_b", "start_b", "end_b", "text_b", "op"]
    text_col = reuse_sentences(sentences)["text"]
    best = pairs[pairs["best"]]
    parts = [pd.DataFrame(columns=cols)]
    for lo in range(0, len(best), chunk):  # chunks bound the Python strings alive at once
        part = best.iloc[lo:lo + chunk]
        need = np.unique(np.r_[part["sent_a"].to_numpy(), part["sent_b"].to_numpy()])
        texts = dict(zip(need.tolist(), text_col.take(need).tolist()))
        toks = {i: _tokens(t) for i, t in texts.items()}
        rows = []
        for p in part.itertuples(index=False):
            ta, tb = texts[p.sent_a], texts[p.sent_b]
            for e in _edits(toks[p.sent_a], toks[p.sent_b], len(ta), len(tb)):
                rows.append((p.article_a, p.start_a + e.start_a, p.start_a + e.end_a, ta[e.start_a:e.end_a],
                             p.article_b, p.start_b + e.start_b, p.start_b + e.end_b, tb[e.start_b:e.end_b], e.op))
        parts.append(pd.DataFrame(rows, columns=cols).astype({c: "str" for c in ("text_a", "text_b", "op")}))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["article_a", "start_a", "article_b", "start_b"], kind="stable").reset_index(drop=True)


def reuse_tables(out_dir: str | Path, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A folder of annotation tables -> (aligned pairs with helper columns, substitutions)."""
    sentences = read_table(out_dir, "sentences", columns=["article_id", "start", "end", "block_kind", "text"])
    articles = read_table(out_dir, "articles", columns=["article_id", "outlet"])
    pairs = align(sentences, articles, **options)
    return pairs, substitutions_frame(pairs, sentences)


# --- aggregates --------------------------------------------------------------------------------------------------

def wire_share(pairs: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """reuse_pairs + sentences + articles -> per article, how much of its body is shared with another source.

    Returns:
        DataFrame with columns article_id, outlet, n_body (body sentences), n_aligned (of those, aligned to a
        sentence of another source), share (n_aligned / n_body), partners (other articles it shares sentences
        with, "; "-joined), sorted by article_id.
    """
    body = sentences[sentences["block_kind"] == "body"][["article_id", "start"]]
    sides = pd.concat([
        pairs[["article_a", "start_a", "article_b"]].set_axis(["article_id", "start", "other"], axis=1),
        pairs[["article_b", "start_b", "article_a"]].set_axis(["article_id", "start", "other"], axis=1),
    ])
    aligned = body.merge(sides[["article_id", "start"]].drop_duplicates(), on=["article_id", "start"])
    out = articles[["article_id", "outlet"]].copy()
    out["n_body"] = out["article_id"].map(body.groupby("article_id").size()).fillna(0).astype(int)
    out["n_aligned"] = out["article_id"].map(aligned.groupby("article_id").size()).fillna(0).astype(int)
    out["share"] = (out["n_aligned"] / out["n_body"].where(out["n_body"] > 0)).fillna(0.0).round(3)
    partners = sides.groupby("article_id")["other"].agg(lambda s: "; ".join(sorted(set(s))))
    out["partners"] = out["article_id"].map(partners).fillna("")
    return out.sort_values("article_id").reset_index(drop=True)


def substitution_summary(subs: pd.DataFrame, articles: pd.DataFrame, *, max_words: int = 4) -> pd.DataFrame:
    """substitutions + articles -> one row per (op, from words, to words), oriented from the earlier article.

    The "from" side is the earlier-published article of each pair (ties: the smaller article id), so a rewrite of
    wire copy reads source -> rewrite. Words are lower-cased, so "Government" -> "regime" and "government" ->
    "Regime" are one row. Edits longer than `max_words` words on both sides (paraphrased clauses) are left out.

    Returns:
        DataFrame with columns op, from_words, to_words, n (edits), n_pairs (article pairs), from_outlets,
        to_outlets ("; "-joined; an unknown outlet shows as the article id), sorted by n descending.
    """
    cols = ["op", "from_words", "to_words", "n", "n_pairs", "from_outlets", "to_outlets"]
    if subs.empty:
        return pd.DataFrame(columns=cols)
    pub = dict(zip(articles["article_id"], articles["published"]))
    label = {r.article_id: outlet_label(r.outlet, r.article_id) for r in articles.itertuples()}

    def later(a: str, b: str) -> bool:
        pa_, pb_ = pub.get(a), pub.get(b)
        return pa_ is not None and pb_ is not None and not pd.isna(pa_) and not pd.isna(pb_) and pb_ < pa_

    flip = np.array([later(a, b) for a, b in zip(subs["article_a"], subs["article_b"])], dtype=bool)
    df = pd.DataFrame({
        "from_art": np.where(flip, subs["article_b"], subs["article_a"]),
        "to_art": np.where(flip, subs["article_a"], subs["article_b"]),
        "from_words": np.where(flip, subs["text_b"], subs["text_a"]),
        "to_words": np.where(flip, subs["text_a"], subs["text_b"]),
        "op": subs["op"].where(~flip, subs["op"].map({"insert": "delete", "delete": "insert", "replace": "replace"})),
    })
    norm = lambda s: s.str.lower().str.replace(r"\W+", " ", regex=True).str.strip()  # noqa: E731
    df["from_words"], df["to_words"] = norm(df["from_words"]), norm(df["to_words"])
    n_words = np.maximum(df["from_words"].str.split().str.len(), df["to_words"].str.split().str.len())
    df = df[n_words <= max_words]
    df["pair"] = df["from_art"] + "|" + df["to_art"]
    joined = lambda s: "; ".join(sorted({label.get(a, a) for a in s}))  # noqa: E731
    out = df.groupby(["op", "from_words", "to_words"], as_index=False).agg(
        n=("pair", "size"), n_pairs=("pair", "nunique"), from_outlets=("from_art", joined),
        to_outlets=("to_art", joined))
    return out.sort_values(["n", "n_pairs", "op", "from_words", "to_words"], ascending=[False, False, True, True, True],
                           kind="stable").reset_index(drop=True)[cols]


def credited_wires(sentences: pd.DataFrame) -> pd.DataFrame:
    """sentences -> the wire agencies each article's attribution lines credit ("SOURCE: Reuters", "With AFP").

    Returns:
        DataFrame with columns article_id, wire, start, end (the credited name in the text), sorted.
    """
    _, wires = load_vocab()
    rows = []
    for r in sentences[sentences["block_kind"] == "attribution"].itertuples():
        for name, rx in wires.items():
            for m in rx.finditer(r.text):
                rows.append((r.article_id, name, r.start + m.start(), r.start + m.end()))
    out = pd.DataFrame(rows, columns=["article_id", "wire", "start", "end"])
    return out.sort_values(["article_id", "start"]).reset_index(drop=True)


def likely_source(pairs: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame, *,
                  min_sentences: int = 2) -> pd.DataFrame:
    """reuse_pairs + sentences + articles -> per article, its story (articles linked by shared copy) and source.

    Articles sharing >= `min_sentences` aligned sentences are one story (connected components). The likely common
    source of a story is the wire most credited by its attribution lines, else its earliest-published article.

    Returns:
        DataFrame with columns article_id, story (int, 0 = story of the smallest article id), outlet, published,
        credits (wires this article credits, "; "-joined), earliest (bool: first published in its story),
        likely_source, sorted by article_id.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    arts = articles.sort_values("article_id").reset_index(drop=True)
    idx = {a: i for i, a in enumerate(arts["article_id"])}
    links = pairs.groupby(["article_a", "article_b"]).size().reset_index(name="n")
    links = links[links["n"] >= min_sentences]
    ia = links["article_a"].map(idx).to_numpy(dtype=np.int64)
    ib = links["article_b"].map(idx).to_numpy(dtype=np.int64)
    graph = coo_matrix((np.ones(len(ia)), (ia, ib)), shape=(len(arts), len(arts)))
    _, comp = connected_components(graph, directed=False)
    out = arts[["article_id", "outlet", "published"]].copy()
    out["story"] = pd.factorize(comp)[0]  # components numbered in article-id order
    credits = credited_wires(sentences).groupby("article_id")["wire"].agg(lambda s: "; ".join(sorted(set(s))))
    out["credits"] = out["article_id"].map(credits).fillna("")
    first = out.groupby("story")["published"].transform(lambda s: s.min() if s.notna().any() else None)
    out["earliest"] = out["published"].notna() & (out["published"] == first)
    sources = {}
    for story, g in out.groupby("story"):
        wires = [w for c in g["credits"] if c for w in c.split("; ")]
        if wires:
            sources[story] = pd.Series(wires).value_counts().sort_index().idxmax()
        else:
            e = g[g["earliest"]]
            pick = (e if len(e) else g).iloc[0]
            known = not source_of(pick["outlet"], pick["article_id"]).startswith("unknown:")
            sources[story] = str(pick["outlet"]) if known else pick["article_id"]
    out["likely_source"] = out["story"].map(sources)
    return out[["article_id", "story", "outlet", "published", "credits", "earliest", "likely_source"]]


def article_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """reuse_pairs -> one row per pair of articles sharing sentences.

    Returns:
        DataFrame with columns article_a, article_b, n_sentences (aligned pairs), mean_similarity, sorted by
        n_sentences descending then ids.
    """
    g = pairs.groupby(["article_a", "article_b"], as_index=False).agg(
        n_sentences=("similarity", "size"), mean_similarity=("similarity", "mean"))
    g["mean_similarity"] = g["mean_similarity"].round(3)
    return g.sort_values(["n_sentences", "article_a", "article_b"], ascending=[False, True, True],
                         kind="stable").reset_index(drop=True)

