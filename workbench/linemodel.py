"""A learned line typer over the rule kinds: headline / body / other per line, from features of the line and its page.

The rules (`blocks.rule_kinds`) know cue words; real pasted pages also need what the cues cannot see: how much a line
reads like prose (jusText's signals: length, stop-word density, punctuation, capitalised words, link-like text), where
it stands relative to the densest run of prose on the page, whether it repeats the title, and what its neighbours
look like. A multinomial logistic regression scores every line; a second one rescores it with its neighbours' first
scores and its place relative to the first and last line judged body (weights in `data/blocks_model.json`, built by
`scripts/train_blocks.py` from labelled pages). A two-state Viterbi pass can smooth body / other along the page
(the shipped weights turn it off: it measured worse on held-out sites), and at most one line, the most
headline-like title above the article's first paragraph, is the headline. Run time needs numpy only.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .config import VOCAB_DIR

MODEL_JSON = VOCAB_DIR / "blocks_model.json"
STOPWORDS_TXT = VOCAB_DIR / "blocks_stopwords.txt"
RULE_KINDS = ("headline", "body", "subheading", "caption", "attribution", "boilerplate", "comment")
CLASSES = ("headline", "body", "other")
HEADLINE_MAX_WORDS = 25
CLOSERS = "\"”’'»)]"
TERMINAL = tuple('.!?:;"”’\'»)…。')
_GLUED = re.compile(r"[a-z][A-Z][a-z]")  # "Share on FacebookShare on Twitter": links pasted without a space
_LINKISH = re.compile(r"https?://|www\.|\.com\b|@\w|[|•»›·]")
_WORD = re.compile(r"\w+")
_PUNCT = re.compile(r"[,.;:]")
_DIGIT = re.compile(r"\d")
# Dates and clock times: datelines and "Published ... 4:00 am" lines sit where a title would.
_DATELIKE = re.compile(r"\b(19|20)\d\d\b|\b\d{1,2}:\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"
                       r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\bago\b",
                       re.IGNORECASE)

# Feature groups, for the ablation in scripts/train_blocks.py (a group left out is left out of the fit).
BASE = ["rk_" + k for k in RULE_KINDS]
SHAPE = ["log_chars", "log_words", "long", "terminal", "question", "sentences", "punct", "cap_share", "digit_share",
         "upper_share", "bullet", "quote", "datelike", "colon_end"]
STOP = ["stop_density", "stop_count"]
LINK = ["linkish", "glued", "repeated", "echoed"]
POSITION = ["after_comments", "comment_start", "rel_pos",
            "in_run", "before_run", "after_run", "run_pos", "head_rank", "head_rank1"]
TITLE = ["title_sim", "title_same"]
NEIGH_BASE = ["log_words", "stop_density", "terminal", "in_run", "rk_body", "rk_boilerplate"]
NEIGHBOURS = [f"{name}@{off:+d}" for off in (-2, -1, 1, 2) for name in NEIGH_BASE]
GROUPS = {"cues": BASE, "shape": SHAPE, "stopwords": STOP, "links": LINK, "position": POSITION, "title": TITLE,
          "neighbours": NEIGHBOURS}
FEATURES = [f for g in GROUPS.values() for f in g]


@lru_cache(maxsize=2)
def load_stopwords(path: str | Path = STOPWORDS_TXT) -> frozenset[str]:
    """Stop words of the languages met in news pages (one a line) -> frozenset."""
    with open(path, encoding="utf-8") as fh:
        return frozenset(w.strip() for w in fh if w.strip() and not w.startswith("#"))


def _norm_words(s: str) -> list[str]:
    return _WORD.findall(s.lower())


def _densest_run(scores: list[float]) -> tuple[int, int]:
    """[start, end) of the contiguous lines with the largest score sum (Kadane); (0, 0) if every score is negative."""
    best, best_span, cur, cur_start = 0.0, (0, 0), 0.0, 0
    for i, s in enumerate(scores):
        if cur <= 0:
            cur, cur_start = s, i
        else:
            cur += s
        if cur > best:
            best, best_span = cur, (cur_start, i + 1)
    return best_span


def line_features(lines: list[str], rule_kinds: list[str], title: str | None = None, *,
                  comment_from: int | None = None, stop: frozenset[str] | None = None) -> np.ndarray:
    """Feature matrix (lines x FEATURES) of one page's stripped non-blank lines, their rule kinds (typed without
    the comment section) and the line where the rules' comment section starts."""
    stop = load_stopwords() if stop is None else stop
    n = len(lines)
    col = {f: i for i, f in enumerate(FEATURES)}
    X = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return X
    toks = [_norm_words(s) for s in lines]
    nwords = np.array([max(len(s.split()), 1) for s in lines], dtype=np.float64)
    nchars = np.array([len(s) for s in lines], dtype=np.float64)
    is_stop = stop.__contains__
    nstop = np.array([sum(map(is_stop, t)) for t in toks], dtype=np.float64)
    ntok = np.array([max(len(t), 1) for t in toks], dtype=np.float64)
    density = nstop / ntok
    terminal = np.array([s.endswith(TERMINAL) for s in lines], dtype=np.float64)
    for i, k in enumerate(rule_kinds):
        X[i, col["rk_" + k]] = 1.0
    X[:, col["log_chars"]] = np.log1p(nchars)
    X[:, col["log_words"]] = np.log1p(nwords)
    X[:, col["long"]] = nwords > 30
    X[:, col["terminal"]] = terminal
    X[:, col["stop_density"]] = density
    X[:, col["stop_count"]] = np.log1p(nstop)
    counts: dict[str, int] = {}
    for s in lines:
        counts[s] = counts.get(s, 0) + 1
    page = "\n".join(lines)
    for i, s in enumerate(lines):
        words = s.split()
        # A title is echoed elsewhere on a page (breadcrumbs, share text, related lists); a paragraph rarely is.
        X[i, col["echoed"]] = counts[s] == 1 and 3 <= len(words) <= 30 and page.count(s) > 1
        X[i, col["question"]] = s.endswith("?")
        X[i, col["sentences"]] = math.log1p(s.count(". ") + s.count("? ") + s.count("! "))
        X[i, col["punct"]] = len(_PUNCT.findall(s)) / nwords[i]
        X[i, col["cap_share"]] = sum(map(str.isupper, [w[:1] for w in words])) / nwords[i]
        X[i, col["digit_share"]] = len(_DIGIT.findall(s)) / nchars[i]
        X[i, col["upper_share"]] = s.isupper()
        X[i, col["bullet"]] = s[:1] in "-–—•*·▪►"
        X[i, col["quote"]] = s[:1] in "\"“«'‘"
        X[i, col["datelike"]] = _DATELIKE.search(s) is not None
        X[i, col["colon_end"]] = s.endswith(":")
        X[i, col["linkish"]] = _LINKISH.search(s) is not None
        X[i, col["glued"]] = _GLUED.search(s) is not None
        X[i, col["repeated"]] = counts[s] > 1

    # Densest run of prose (jusText's "good" paragraphs): long lines dense in stop words, or long lines in scripts
    # without spaces between words; every other line costs a little, so menus break a run and captions do not.
    prose = ((nchars >= 70) & ((density >= 0.2) | (nwords <= 3))) | (nwords > 30)
    scores = np.where(prose, nchars, -np.minimum(nchars, 60.0) - 20.0)
    a, b = _densest_run(scores.tolist())
    idx = np.arange(n)
    if comment_from is not None and comment_from < n:
        X[comment_from:, col["after_comments"]] = 1.0
        X[comment_from, col["comment_start"]] = 1.0
    X[:, col["rel_pos"]] = idx / max(n - 1, 1)
    if b > a:
        X[:, col["in_run"]] = (idx >= a) & (idx < b)
        X[:, col["before_run"]] = np.where(idx < a, np.log1p(np.maximum(a - idx, 0)), 0.0)
        X[:, col["after_run"]] = np.where(idx >= b, np.log1p(np.maximum(idx - b + 1, 0)), 0.0)
        X[:, col["run_pos"]] = np.where((idx >= a) & (idx < b), (idx - a) / max(b - a, 1), 0.0)
        # Headline-shaped lines (2-25 words, no final full stop) counted back from the run's start: the title of
        # a page is usually the first or second such line above its article text.
        rank = 0
        for i in range(min(a + 1, n - 1), -1, -1):
            s = lines[i]
            if 2 <= nwords[i] <= 25 and not s.endswith(".") and rule_kinds[i] not in ("comment",):
                rank += 1
                X[i, col["head_rank"]] = 1.0 / rank
                X[i, col["head_rank1"]] = rank == 1
                if rank >= 8:
                    break
    if title:
        tset = set(_norm_words(title))
        tnorm = " ".join(_norm_words(title))
        for i, t in enumerate(toks):
            if tset and t:
                X[i, col["title_sim"]] = len(tset & set(t)) / len(tset | set(t))
            X[i, col["title_same"]] = bool(tnorm) and " ".join(t) == tnorm

    # Neighbours: a few of each line's features on the lines two before to two after (zeros past the page's ends).
    for off in (-2, -1, 1, 2):
        src = idx + off
        ok = (src >= 0) & (src < n)
        for name in NEIGH_BASE:
            vals = np.zeros(n)
            vals[ok] = X[src[ok], col[name]]
            X[:, col[f"{name}@{off:+d}"]] = vals
    return X


CONTEXT = [f"pb@{off:+d}" for off in (-3, -2, -1, 0, 1, 2, 3)] + [
    "ph", "ph_top", "pb_window", "pb_page", "before_first", "after_last", "between", "head_above_first",
    "head_rank_first", "body_overlap"]


def context_features(P: np.ndarray, lines: list[str], stop: frozenset[str] | None = None) -> np.ndarray:
    """Second-stage features from the first stage's probabilities (headline, body, other) of a page's lines.

    What a line's neighbours were judged to be, and where it stands relative to the first and last line judged
    body: a title sits just above the article's first paragraph; related links and footers come after its last.
    """
    n = len(P)
    col = {f: i for i, f in enumerate(CONTEXT)}
    C = np.zeros((n, len(CONTEXT)))
    if n == 0:
        return C
    pb, ph = P[:, 1], P[:, 0]
    idx = np.arange(n)
    for off in (-3, -2, -1, 0, 1, 2, 3):
        src = idx + off
        ok = (src >= 0) & (src < n)
        C[ok, col[f"pb@{off:+d}"]] = pb[src[ok]]
    C[:, col["ph"]] = ph
    C[:, col["ph_top"]] = ph / max(ph.max(), 1e-9)
    csum = np.concatenate([[0.0], np.cumsum(pb)])
    lo, hi = np.maximum(idx - 5, 0), np.minimum(idx + 6, n)
    C[:, col["pb_window"]] = (csum[hi] - csum[lo]) / (hi - lo)
    C[:, col["pb_page"]] = pb.mean()
    body = np.flatnonzero(pb > 0.5)
    first, last = (int(body[0]), int(body[-1])) if len(body) else (int(np.argmax(pb)), int(np.argmax(pb)))
    C[:, col["before_first"]] = np.log1p(np.maximum(first - idx, 0))
    C[:, col["after_last"]] = np.log1p(np.maximum(idx - last, 0))
    C[:, col["between"]] = (idx >= first) & (idx <= last)
    rank = 0
    for i in range(first, max(first - 12, -1), -1):
        s = lines[i]
        if 2 <= len(s.split()) <= 25 and not s.endswith("."):
            rank += 1
            C[i, col["head_rank_first"]] = 1.0 / rank
            C[i, col["head_above_first"]] = rank == 1
    # A title's content words come back in the article's paragraphs; a teaser for another story's mostly do not.
    stop = load_stopwords() if stop is None else stop
    vocab: dict[str, int] = {}
    for i in body:
        for w in set(_norm_words(lines[i])):
            vocab[w] = vocab.get(w, 0) + 1
    for i, s in enumerate(lines):
        if len(s) > 200:
            continue
        own = {w for w in _norm_words(s) if w not in stop and len(w) > 2}
        if own:
            self_in = pb[i] > 0.5
            C[i, col["body_overlap"]] = sum(vocab.get(w, 0) - self_in > 0 for w in own) / len(own)
    return C


def binned(X: np.ndarray, bins: dict[int, np.ndarray]) -> np.ndarray:
    """X with one-hot bin indicators appended for the numeric columns in `bins` (column -> bin edges): a linear
    model on them can weigh a length or a position non-monotonically (short and very long lines alike)."""
    if not bins:
        return X
    parts = [X]
    for j, edges in bins.items():
        parts.append(np.eye(len(edges) + 1)[np.digitize(X[:, j], edges)])
    return np.hstack(parts)


class Linear:
    """A multinomial logistic regression stored as plain numbers: bin edges, standardisation, weights, intercepts."""

    def __init__(self, spec: dict) -> None:
        self.bins = {int(j): np.asarray(e) for j, e in spec.get("bins", {}).items()}
        self.mean = np.asarray(spec["mean"])
        self.scale = np.asarray(spec["scale"])
        self.coef = np.asarray(spec["coef"])  # classes x features
        self.intercept = np.asarray(spec["intercept"])
        self.classes = spec["classes"]

    def proba_binary(self, X: np.ndarray) -> np.ndarray:
        """Probability of the positive class of a binary model (one weight row)."""
        z = ((binned(X, self.bins) - self.mean) / self.scale) @ self.coef[0] + self.intercept[0]
        return 1.0 / (1.0 + np.exp(-z))

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (rows x CLASSES)."""
        z = ((binned(X, self.bins) - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return p[:, [self.classes.index(c) for c in CLASSES]]


class LineModel:
    """Two stacked logistic regressions and body/other transition scores, as written by scripts/train_blocks.py."""

    def __init__(self, spec: dict) -> None:
        if spec["features"] != FEATURES or spec.get("context", CONTEXT) != CONTEXT:
            raise ValueError("blocks model was trained on other features: rebuild it with scripts/train_blocks.py")
        self.stage1 = Linear(spec["stage1"])
        self.stage2 = Linear(spec["stage2"]) if spec.get("stage2") else None
        self.headline = Linear(spec["headline"]) if spec.get("headline") else None
        self.transition = np.asarray(spec["transition"])  # log scores, [from other/body][to other/body]
        self.version: str = spec.get("version", "unknown")

    def proba(self, X: np.ndarray, lines: list[str]) -> np.ndarray:
        """Class probabilities (lines x CLASSES) of one page's lines from their features; the headline column is
        the separate headline scorer's (trained with balanced classes: only its ranking within a page is used)."""
        P = self.stage1.proba(X)
        if self.stage2 is None:
            return P
        X2 = np.hstack([X, context_features(P, lines)])
        P2 = self.stage2.proba(X2)
        if self.headline is not None:
            P2[:, 0] = self.headline.proba_binary(X2)
        return P2

    def _viterbi(self, em: np.ndarray) -> list[int]:
        """Best other (0) / body (1) path under the transition scores; without transitions, each line's best."""
        if not self.transition.any():
            return np.argmax(em, axis=1).tolist()
        n = len(em)
        score = em[0].copy()
        back = np.zeros((n, 2), dtype=np.int64)
        for i in range(1, n):
            cand = score[:, None] + self.transition  # from x to
            back[i] = np.argmax(cand, axis=0)
            score = cand[back[i], [0, 1]] + em[i]
        state = int(np.argmax(score))
        path = [state]
        for i in range(n - 1, 0, -1):
            state = int(back[i, state])
            path.append(state)
        return path[::-1]

    def decode(self, P: np.ndarray, title_line: int | None = None, *, has_title: bool = False,
               lines: list[str] | None = None) -> list[str]:
        """Labels from probabilities: one headline, Viterbi body/other.

        The headline is the line repeating a given title (none if the title is not in the text), else the likeliest;
        of several copies of that line, the last one before the first body line (the one that heads the article).
        """
        n = len(P)
        if n == 0:
            return []
        # Two states, 0 other and 1 body: the headline's own score is left out of both.
        em = np.log(np.clip(P[:, [2, 1]], 1e-12, None))
        em -= np.log(np.clip(P[:, [2, 1]].sum(axis=1, keepdims=True), 1e-12, None))
        labels = ["body" if s else "other" for s in self._viterbi(em)]
        head = title_line
        if not has_title:
            # A headline heads the article: it stands above the first body line, and it is a title, not a sentence
            # (not ending in a full stop, at most 25 words); an article opening on a paragraph has none. Of several
            # copies of the best line, the last one above the body is taken.
            body3 = np.flatnonzero(np.argmax(P, axis=1) == 1)
            first_body = int(body3[0]) if len(body3) else n
            ok = np.zeros(n, dtype=bool)
            ok[:first_body] = True
            if lines is not None:
                ok &= np.array([not s.rstrip(CLOSERS).endswith(".") and len(s.split()) <= HEADLINE_MAX_WORDS
                                for s in lines])
            head = int(np.argmax(np.where(ok, P[:, 0], -1.0))) if ok.any() else None
            if head is not None and lines is not None:
                head = max(i for i in range(head, max(first_body, head + 1)) if lines[i] == lines[head])
        if head is not None:
            labels[head] = "headline"
        return labels


@lru_cache(maxsize=2)
def load_model(path: str | Path = MODEL_JSON) -> LineModel | None:
    """The shipped line model, or None when no weights file exists (the rules then type lines alone)."""
    path = Path(path)
    if not path.is_file():
        return None
    return LineModel(json.loads(path.read_text(encoding="utf-8")))
