"""Segment an article's text into blocks: one block per non-blank line, each of one kind.

Lines end at "\n" (a trailing "\r" is not part of the line); a text with no "\n" but "\r" breaks ends them at "\r".

Kinds (CODEBOOK): headline, body, subheading, caption, attribution, boilerplate, comment. The cues are data
(`data/blocks.yaml`); this module fixes only their precedence and the shape rules (line length, final punctuation,
position between paragraphs, repetition), which are our own science and have no library equivalent.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import yaml

from .config import BLOCKS_YAML
from .linemodel import LineModel, line_features, load_model
from .prefilter import anchored_at_start, prefilter

KINDS = ("headline", "body", "subheading", "caption", "attribution", "boilerplate", "comment")
# Kinds whose words count as the article's own reporting (designations, figures are taken from these).
CONTENT_KINDS = ("headline", "body", "subheading")
LIST_BULLETS = frozenset("-–—•*·▪►")
TERMINAL = tuple('.!?:;"”’\'»)…')


class Line(NamedTuple):
    """A non-blank line: 1-based line number and [start, end) offsets of the line without its newline."""

    line_no: int
    start: int
    end: int


class Block(NamedTuple):
    """A row of the `blocks` table."""

    article_id: str
    block_id: int
    line_no: int
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class BlockCues:
    """Compiled cues from blocks.yaml."""

    comment_section_start: CueSet
    comment_meta: CueSet
    boilerplate: CueSet
    attribution: CueSet
    caption: CueSet
    agency: re.Pattern
    attribution_max_words: int
    headline_max_words: int
    subheading_max_words: int
    short_line_max_words: int
    duplicate_caption_min_words: int
    long_line_words: int
    comment_meta_max_words: int
    list_item_min_words: int
    commenter_name_max_words: int
    page_min_short_lines: int
    version: str


class Cue(NamedTuple):
    """One compiled cue and the literal text any match must have (`prefilter.Prefilter`)."""

    regex: re.Pattern
    prefixes: tuple[str, ...] | None
    needles: tuple[tuple[str, ...], ...]


class CueGroup:
    """Cues searched on one form of the line. Nearly all lines match no cue, so each cue's regex runs only when
    its literal prefilter passes, and cues anchored at the line start are looked up by the line's first character
    instead of being tried one by one."""

    def __init__(self, regexes: list[re.Pattern]) -> None:
        cues = []
        for r in regexes:
            prefixes, needles = prefilter(r)
            if prefixes is None and anchored_at_start(r):
                # re tries such a regex at position 0 only, which is cheaper than scanning the line for words;
                # a one-character needle still pays (memchr), e.g. the "/" of a "Name / Outlet 2019" credit.
                needles = tuple(c for c in needles if all(len(n) == 1 for n in c))
            cues.append(Cue(r, prefixes, needles))
        self.floating = tuple(c for c in cues if c.prefixes is None)
        by_first: dict[str, list[Cue]] = {}
        for c in cues:
            for ch in sorted({p[0] for p in c.prefixes or ()}):
                by_first.setdefault(ch, []).append(c)
        # Per first character: all prefixes of its cues (one startswith rejects most lines), then the cues.
        self.by_first = {
            ch: (tuple(sorted({p for c in cs for p in c.prefixes if p[0] == ch})), tuple(cs))
            for ch, cs in by_first.items()
        }
        self.nonempty = bool(cues)  # most categories have no case-sensitive cue: callers skip the call

    def search(self, x: str) -> bool:
        """True if any cue's regex matches `x` (a search, as `re.Pattern.search`)."""
        anchored = self.by_first.get(x[:1])
        if anchored is not None and x.startswith(anchored[0]):
            for regex, prefixes, needles in anchored[1]:
                if x.startswith(prefixes) and _has_needles(needles, x) and regex.search(x):
                    return True
        for regex, _, needles in self.floating:
            # The needle test inlined (it runs ~10 times per line): every clause must have a needle in x.
            for clause in needles:
                for needle in clause:
                    if needle in x:
                        break
                else:
                    break  # this clause has none: the cue cannot match
            else:
                if regex.search(x):
                    return True
        return False


def _has_needles(needles: tuple[tuple[str, ...], ...], x: str) -> bool:
    return all(any(n in x for n in clause) for clause in needles)


class CueSet(NamedTuple):
    """A category's compiled cues: most run on the lower-cased line, the few with a case-sensitive part on the line."""

    folded: CueGroup
    cased: CueGroup


def _compile(patterns: list[str]) -> CueSet:
    # Matching a lower-cased copy without IGNORECASE is ~1.5x faster in Python's re; patterns holding an inline
    # case-sensitive group "(?-i:...)" keep IGNORECASE on the original line. Each cue stays a separate regex:
    # a long alternation measured 2-3x slower than its parts.
    patterns = patterns or []
    return CueSet(
        folded=CueGroup([re.compile(p) for p in patterns if "(?-i:" not in p]),
        cased=CueGroup([re.compile(p, re.IGNORECASE) for p in patterns if "(?-i:" in p]),
    )


@lru_cache(maxsize=8)
def load_cues(path: str | Path = BLOCKS_YAML) -> BlockCues:
    """Load and compile block cues from a YAML file -> BlockCues."""
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    agencies = sorted(cfg.get("agency_names", []), key=len, reverse=True)
    return BlockCues(
        comment_section_start=_compile(cfg.get("comment_section_start")),
        comment_meta=_compile(cfg.get("comment_meta")),
        boilerplate=_compile(cfg.get("boilerplate")),
        attribution=_compile(cfg.get("attribution")),
        caption=_compile(cfg.get("caption")),
        agency=re.compile(r"\b(" + "|".join(re.escape(a) for a in agencies) + r")\b", re.IGNORECASE)
        if agencies
        else re.compile(r"(?!x)x"),
        attribution_max_words=int(cfg.get("attribution_max_words", 8)),
        headline_max_words=int(cfg.get("headline_max_words", 25)),
        subheading_max_words=int(cfg.get("subheading_max_words", 10)),
        short_line_max_words=int(cfg.get("short_line_max_words", 10)),
        duplicate_caption_min_words=int(cfg.get("duplicate_caption_min_words", 8)),
        long_line_words=int(cfg.get("long_line_words", 30)),
        comment_meta_max_words=int(cfg.get("comment_meta_max_words", 8)),
        list_item_min_words=int(cfg.get("list_item_min_words", 4)),
        commenter_name_max_words=int(cfg.get("commenter_name_max_words", 4)),
        page_min_short_lines=int(cfg.get("page_min_short_lines", 12)),
        version=str(cfg.get("version", "unknown")),
    )


def iter_lines(text: str) -> Iterator[Line]:
    """Yield the non-blank lines of `text` with offsets; a trailing CR (CRLF files) is not part of the line."""
    # One C-level split is cheaper than a find per line; "\r" is whitespace, so it does not change blankness.
    # A file with no "\n" but "\r" breaks (classic Mac OS) has its lines split on "\r": else it is one block.
    sep = "\r" if "\n" not in text and "\r" in text else "\n"
    start = 0
    for line_no, raw in enumerate(text.split(sep), 1):
        end = start + len(raw)
        if raw.strip():
            yield Line(line_no, start, end - 1 if raw[-1] == "\r" and sep == "\n" else end)
        start = end + 1


PROBE_CHARS = 160


def _probe(s: str) -> str:
    # Cues are short notices or anchored at a line's start or end; scanning the middle of long paragraphs with
    # dozens of regexes dominated the cost, so long lines are probed at both ends only.
    return s if len(s) <= 2 * PROBE_CHARS else s[:PROBE_CHARS] + " \u2026 " + s[-PROBE_CHARS:]


def _any(cues: CueSet, s: str, low: str) -> bool:
    """True if a cue matches the line `s`; `low` is `s.lower()`, computed once per line by the caller."""
    return cues.folded.search(low) or (cues.cased.nonempty and cues.cased.search(s))


def _is_unpunctuated(s: str) -> bool:
    return not s.rstrip().endswith(TERMINAL)


def comment_section(stripped: list[str], probes: list[str], low_probes: list[str], words: list[int],
                    cues: BlockCues) -> tuple[int, bool]:
    """Where the reader-comment section starts -> (line index or len(lines), whether that line is its heading).

    Only after the first paragraph: a "Comments" link in a page's navigation must not swallow the article. A
    heading ("1 Comment", "View all comments") starts it; without one, the first comment timestamp does, together
    with the commenter's name on the line before it.
    """
    first_par = next((i for i, w in enumerate(words)
                      if w > cues.short_line_max_words or not _is_unpunctuated(stripped[i])), len(words))
    for i in range(first_par + 1, len(stripped)):
        if _any(cues.comment_section_start, probes[i], low_probes[i]):
            return i, True
        # Stamps are a few words long: the word count spares the regexes nearly every line.
        if (words[i] <= cues.comment_meta_max_words and i + 1 < len(stripped)
                and _any(cues.comment_meta, probes[i], low_probes[i])):
            name = i - 1 > first_par and words[i - 1] <= cues.commenter_name_max_words and _is_unpunctuated(stripped[i - 1])
            return (i - 1 if name else i), False
    return len(stripped), False


def classify_lines(lines: list[str], cues: BlockCues | None = None, *, title: str | None = None,
                   model: LineModel | None | bool = True) -> list[str]:
    """Assign a block kind to each (non-blank) line of one article, in order -> list of kinds.

    The rules type every line; the learned line model (`linemodel`, unless `model` is False or no weights are
    shipped) then decides headline / body / other, and the rules name the kind of each line it calls other. With a
    `title` (a CSV/JSONL field), the title is the headline: a line repeating it is typed headline, no other line is.
    """
    cues = cues or load_cues()
    title_line = find_title_line(lines, title)
    has_title = bool(title and title.strip())
    lm = load_model() if model is True else (model or None)
    kinds, comment_from, heading, n_short = _rules(lines, cues, title_line, has_title, comments=True)
    if lm is None or n_short < cues.page_min_short_lines:  # an article's text (see is_pasted_page): rules alone
        return kinds
    kinds, comment_from, heading, _ = _rules(lines, cues, title_line, has_title, comments=False)
    stripped = [ln.strip() for ln in lines]
    P = lm.proba(line_features(stripped, kinds, title, comment_from=comment_from), stripped)
    labels = lm.decode(P, title_line, has_title=has_title, lines=stripped)
    return merge_kinds(kinds, labels, stripped, cues, comment_from=comment_from, comment_heading=heading)


def is_pasted_page(lines: list[str], cues: BlockCues) -> bool:
    """True for a whole web page pasted as text (menus, share buttons, teasers around the article), which the line
    model types; an article's own text, with a handful of short lines at most, keeps the rules (the model learned
    from pages and measured worse on article texts)."""
    short = 0
    for ln in lines:
        s = ln.strip()
        if s and len(s.split()) <= cues.short_line_max_words and _is_unpunctuated(s):
            short += 1
            if short >= cues.page_min_short_lines:
                return True
    return False


def _title_key(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


def find_title_line(lines: list[str], title: str | None, *, within: int = 10) -> int | None:
    """Index of the line that repeats `title` among the first lines (equal in words and case), or None."""
    key = _title_key(title or "")
    if not key:
        return None
    for i, ln in enumerate(lines[:within]):
        if _title_key(ln) == key:
            return i
    return None


def merge_kinds(rule: list[str], labels: list[str], stripped: list[str], cues: BlockCues, *,
                comment_from: int | None = None, comment_heading: bool = False) -> list[str]:
    """Kinds from the model's headline / body / other and the rule kinds (which name the kind of "other" lines);
    a line the model calls other after the comment section's start is a comment (its heading boilerplate)."""
    out = []
    comment_from = len(rule) if comment_from is None else comment_from
    for i, (r, lab, s) in enumerate(zip(rule, labels, stripped)):
        if lab == "headline":
            out.append("headline")
        elif lab == "body":
            short_title = len(s.split()) <= cues.subheading_max_words and _is_unpunctuated(s)
            out.append("subheading" if r == "subheading" or (r != "body" and short_title) else "body")
        elif i >= comment_from:
            out.append("boilerplate" if r == "boilerplate" or (comment_heading and i == comment_from) else "comment")
        else:
            out.append(r if r not in CONTENT_KINDS else "boilerplate")
    return out


def rule_kinds(lines: list[str], cues: BlockCues | None = None, *, title_line: int | None = None,
               has_title: bool = False) -> list[str]:
    """Block kinds of one article's lines from the hand cues and shape rules alone -> list of kinds."""
    return _rules(lines, cues or load_cues(), title_line, has_title, comments=True)[0]


def _rules(lines: list[str], cues: BlockCues, title_line: int | None, has_title: bool,
           comments: bool) -> tuple[list[str], int, bool, int]:
    """Rule kinds, the index where the comment section starts (len(lines) if none), whether it is a heading, and
    the number of short unpunctuated lines (`is_pasted_page`).

    With `comments` False the lines after that start are typed as any other line (the learned model weighs the
    start as one signal: a comment cue met early must not swallow the article)."""
    stripped = [ln.strip() for ln in lines]
    probes = [_probe(s) for s in stripped]
    lowered = [s.lower() for s in stripped]
    # Most lines are their own probe, and then their lower-cased form is already at hand.
    low_probes = [low if p is s else p.lower() for s, p, low in zip(stripped, probes, lowered)]
    # One split serves both the word counts and the normalised text: lower() maps whitespace to itself and nothing
    # else to whitespace, so the lower-cased line has the same words (tests/test_blocks.py checks every character).
    split_low = [low.split() for low in lowered]
    words = [len(parts) for parts in split_low]
    normed = [" ".join(parts) for parts in split_low]
    counts = Counter(normed)

    # A caption shown twice (image alt text, then the caption with its credit): one line starts with the other.
    # Both lines must be long enough that the repeated text is real: "starts with" holds vacuously for a line of
    # one character (its text minus the last character is empty), e.g. a stray "." after a paragraph.
    dup_caption = [False] * len(lines)
    for i in range(len(lines) - 1):
        if title_line is not None and title_line in (i, i + 1):
            continue  # a title repeated at the start of the content is the headline, not a caption
        a, b = normed[i], normed[i + 1]
        if min(words[i], words[i + 1]) >= cues.duplicate_caption_min_words and (
            b.startswith(a[:-1]) or a.startswith(b[:-1])
        ):
            dup_caption[i] = dup_caption[i + 1] = True

    comment_start, comment_heading = comment_section(stripped, probes, low_probes, words, cues)
    comment_from = comment_start if comments else len(lines)

    def body_like(i: int) -> bool:
        return i < len(lines) and (words[i] > cues.short_line_max_words or not _is_unpunctuated(stripped[i]))

    kinds: list[str] = []
    seen_content = False
    seen_body = False
    n_short = 0
    for i, s in enumerate(stripped):
        short = words[i] <= cues.short_line_max_words
        if short and _is_unpunctuated(s):
            n_short += 1
        p, low = probes[i], low_probes[i]
        if i == title_line:
            kind = "headline"
        elif words[i] > cues.long_line_words and i < comment_from:
            # A long paragraph is body unless its ending marks a photo caption: checking only that keeps
            # segmentation cheap on the lines that dominate news pages.
            tail = s[-PROBE_CHARS:]
            kind = "caption" if dup_caption[i] or _any(cues.caption, tail, tail.lower()) else "body"
        elif i >= comment_from:
            heading = comment_heading and i == comment_from
            kind = "boilerplate" if (heading or _any(cues.boilerplate, p, low)) else "comment"
        elif _any(cues.boilerplate, p, low):
            kind = "boilerplate"
        elif dup_caption[i] or _any(cues.caption, p, low):
            kind = "caption"
        elif _any(cues.attribution, p, low) or (
            words[i] <= cues.attribution_max_words and cues.agency.search(s) and (_is_unpunctuated(s) or s.endswith("."))
            and not re.search(r"\b(said|says|told|reported|according)\b", s, re.IGNORECASE)
        ):
            kind = "attribution"
        elif short and counts[normed[i]] > 1:
            kind = "boilerplate"  # a short line repeated on the page is a widget or an ad slot
        elif not has_title and not seen_content and words[i] <= cues.headline_max_words and not s.endswith("."):
            kind = "headline"
        elif (
            seen_body
            and words[i] <= cues.subheading_max_words
            and (_is_unpunctuated(s) or s.endswith("?"))  # "What happens next?" titles a section too
            and (s[:1].isupper() or s[:1].isdigit())
            and body_like(i + 1)
        ):
            kind = "subheading"
        elif seen_body and words[i] >= cues.list_item_min_words and s[:1] in LIST_BULLETS and s[1:2].isspace():
            kind = "body"  # an item of a bulleted summary ("- Turkey welcomed the move") reports like a paragraph
        elif short and _is_unpunctuated(s):
            kind = "boilerplate"  # a short fragment outside the run of paragraphs: nav, ad or widget text
        else:
            kind = "body"
        if kind in ("headline", "body", "subheading"):
            seen_content = True
        if kind == "body":
            seen_body = True
        kinds.append(kind)
    return kinds, comment_start, comment_heading, n_short


def segment(text: str, article_id: str = "", *, cues: BlockCues | None = None, title: str | None = None) -> list[Block]:
    """Split one article text into Block rows (every non-blank line exactly once, offsets into `text`)."""
    lines = list(iter_lines(text))
    kinds = classify_lines([text[ln.start : ln.end] for ln in lines], cues, title=title)
    return [Block(article_id, i, ln.line_no, ln.start, ln.end, k) for i, (ln, k) in enumerate(zip(lines, kinds))]


def blocks_frame(blocks: list[Block]) -> pd.DataFrame:
    """Block records -> `blocks` DataFrame sorted by article_id, start (SCHEMA.md columns)."""
    df = pd.DataFrame(blocks, columns=Block._fields)
    return df.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
