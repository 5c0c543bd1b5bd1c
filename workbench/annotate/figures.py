"""The wb_figures component: reported quantities -> doc.spans["wb_figures"] and rows of the `figures` table.

A figure (CODEBOOK "Figures") = optional qualifier + number (digits, words, "half a million", vague magnitudes
such as "hundreds") + the counted noun phrase when present, in headline, body and subheading blocks. `what` comes
from the counted noun's class and the event cue nearest the figure in its sentence ("killed", "uprooted",
"deployed"), through the first matching rule of data/figures.yaml. Numbers of sources, groups, countries, and
times, dates, years and ages are not figures.

Why hand-written: spaCy's `like_num` and the model's CARDINAL entities neither value number words nor link a number
to what it counts, and the rules pipeline has no parse. Candidates come from the tokens' LIKE_NUM flags and
lowercase hashes (numpy, no per-token Python); the number grammar and noun-phrase regexes then run only at those
offsets, so the work grows with the numbers in the text, not with its length. Both pipelines give the same rows.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import yaml
from spacy.attrs import LIKE_NUM
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..blocks import CONTENT_KINDS
from ..config import NUMBERS_YAML, VOCAB_DIR
from .base import (block_starts, doc_blocks, doc_lower, doc_text, phrase_trie, sentence_bounds, token_lowers,
                   token_starts)
from .numbers import Numbers, load_numbers, match_value
from .spans import token_spans

FIGURES_YAML = VOCAB_DIR / "figures.yaml"
SPANS_KEY = "wb_figures"
_WORD = r"[A-Za-z][\w'’-]*"
_WORD_PUNCT = ".,;:!?()[]\"'“”‘’«»"  # stripped from the words after a number before they are compared


class Figure(NamedTuple):
    """A row of the `figures` table."""

    article_id: str
    start: int
    end: int
    text: str
    value: float
    what: str
    unit: str | None
    qualifier: str | None
    vague: bool
    sent_start: int
    sent_end: int


def _alt(phrases) -> str:
    """Phrases -> regex alternation (longest match first, any whitespace between words), prefix-factored."""
    return phrase_trie(phrases)


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@dataclass(frozen=True, eq=False)  # hashed by identity, so derived cues can be cached per instance
class FigureCues:
    """Number words (data/numbers.yaml) and counted nouns, events and rules (data/figures.yaml), compiled."""

    number_re: re.Pattern
    words: dict
    vague: dict
    fractions: dict
    qualifier_re: re.Pattern
    qualifiers: dict
    noun_words: frozenset
    notc_words: frozenset
    qualifier_ends: tuple
    preposition_after: frozenset
    np_re: re.Pattern
    noun_re: re.Pattern
    noun_class: dict
    units: dict
    not_counted_re: re.Pattern
    event_re: re.Pattern
    event_firsts: tuple
    triggers: tuple
    event_class: dict
    event_units: dict
    rules: tuple
    months: frozenset = frozenset()
    not_after_re: re.Pattern | None = None  # words right before a number that make it no count ("father of five")
    toll_link_re: re.Pattern | None = None  # "the death toll rose to 45": the words between a toll and its number
    numbers: Numbers | None = None  # the number grammar (data/numbers.yaml)
    date_before_re: re.Pattern | None = None  # a month, with or without a day, right before a year
    year_after: frozenset = frozenset()  # words a year follows ("in 2014")
    year_determiners: frozenset = frozenset()  # "the 2014 air strikes"
    month_periods: frozenset = frozenset()  # "in May 12 civilians": the month is a period, the number a count
    partitive_classes: frozenset = frozenset()  # "12 of the dead": a partitive that counts
    event_gap_re: re.Pattern | None = None  # words between an event cue and its number ("killed a further 11")


NOT_AFTER_CHARS = 60  # a not_after phrase and a short list of numbers ("aged 10 and 12")
_REGEX_FIELDS = ("number_re", "qualifier_re", "np_re", "noun_re", "not_counted_re", "event_re", "not_after_re")


@lru_cache(maxsize=4)
def lowered(cues: FigureCues) -> FigureCues:
    """The same cues with every regex lower-cased and compiled without re.I, for scanning a lower-cased text.

    Why: Python's case-insensitive matching of long alternations is several times slower than exact matching,
    and lower-casing a text once is cheap. Patterns hold only lower-case escapes (\\s, \\b, \\w, \\d).
    """
    return replace(cues, **{f: re.compile(getattr(cues, f).pattern.lower().replace("(?p<", "(?P<"))
                            for f in _REGEX_FIELDS})


@lru_cache(maxsize=4)
def load_cues(numbers_path: str | Path = NUMBERS_YAML, figures_path: str | Path = FIGURES_YAML) -> FigureCues:
    """Read and compile data/numbers.yaml (through `numbers.load_numbers`) and data/figures.yaml -> FigureCues."""
    nums = load_numbers(numbers_path)
    with open(figures_path, encoding="utf-8") as fh:
        fig = yaml.safe_load(fh)
    nouns = {_key(w): cls for cls, spec in fig["nouns"].items() for w in spec["words"]}
    noun_alt = _alt(nouns)
    stops = _alt([*fig["stop_words"], *nums.words])
    notc = _alt(fig["not_counted"])
    mod = rf"(?!(?:{stops}|{notc})\b){_WORD}"
    np_re = (rf"(?P<of>\s+of(?:\s+the)?)?(?P<as>\s+as)?(?:\s+{mod}){{0,3}}?\s+(?P<noun>{noun_alt})\b"
             rf"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)(?:{mod}\s+){{0,2}}(?:{noun_alt})\b(?!-))*")
    events = {_key(p): cls for cls, ps in fig["events"].items() for p in ps}
    quals = nums.qualifiers
    not_after = _alt(fig["not_after"]) if fig.get("not_after") else "(?!x)x"
    months = "|".join(re.escape(str(w)) for w in sorted(fig.get("months", []), key=len, reverse=True))
    return FigureCues(
        number_re=nums.number_re,
        words=nums.words,
        vague=nums.vague,
        fractions=nums.fractions,
        qualifier_re=re.compile(rf"(?:^|(?<=[\s(“\"«]))(?P<q>{_alt(quals)})\s+$", re.I),
        qualifiers=quals,
        noun_words=frozenset(w for n in nouns for w in n.split()),
        # Stripped like the words they are compared with ("a.m." -> "a.m"), so "6 a.m." reaches the regex.
        notc_words=frozenset(s for n in fig["not_counted"] for w in str(n).lower().split()
                             if (s := w.strip(_WORD_PUNCT))),
        qualifier_ends=tuple(quals),
        preposition_after=nums.preposition_after,
        np_re=re.compile(np_re, re.I),
        noun_re=re.compile(rf"\b(?:{noun_alt})\b", re.I),
        noun_class=nouns,
        units={cls: spec.get("unit") for cls, spec in fig["nouns"].items()},
        not_counted_re=re.compile(rf"(?:\s+(?!(?:{stops})\b){_WORD}){{0,3}}?\s*(?:{notc})(?!\w)", re.I),
        # "the death toll from the strikes was 45": up to three words of what the toll is of, then the link words
        toll_link_re=re.compile(rf"(?:\s+(?:from|in|of)(?:\s+[\w-]+){{1,3}}?)?(?:\s+(?:{_alt(fig['toll_links'])}))+\s+",
                                re.I),
        not_after_re=re.compile(rf"(?:^|(?<=[\s(]))(?:{not_after})\s+(?:\d+\s*(?:,|and|or|to|-)\s*){{0,4}}$", re.I),
        event_re=re.compile(rf"\b(?:{_alt(events)})\b", re.I),
        event_firsts=tuple(sorted({p.split()[0] for p in events})),
        triggers=tuple(sorted({w for phrase in [*nums.words, *nums.vague, *nums.fractions] for w in phrase.split()}
                              - {"a", "an", "of"})),
        event_class=events,
        event_units=dict(fig.get("event_units", {})),
        rules=tuple(fig["what"]),
        months=frozenset(str(w).lower() for w in fig.get("months", [])),
        numbers=nums,
        date_before_re=re.compile(rf"\b(?:{months})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?$"
                                  rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{months})\.?,?\s+$"),
        year_after=frozenset(str(w).lower() for w in fig.get("year_after", [])),
        year_determiners=frozenset(str(w).lower() for w in fig.get("year_determiners", [])),
        month_periods=frozenset(str(w).lower() for w in fig.get("month_periods", [])),
        partitive_classes=frozenset(fig.get("partitive_classes", [])),
        event_gap_re=re.compile(rf"\s+(?:(?:{_alt([*fig.get('event_gap', []), *quals])})\s+)*", re.I),
    )


def number_value(m: re.Match, cues: FigureCues) -> tuple[float, bool]:
    """A match of the number regex -> (value, vague) (the grammar of `numbers.match_value`)."""
    return match_value(m, cues.numbers)


def qualifier_before(text: str, start: int, cues: FigureCues, *, is_lower: bool = False) -> tuple[int, str] | None:
    """A qualifier ending right before `start` ("more than ", "crossed ") -> (its start, canonical) or None.

    `is_lower`: `text` is already lower-cased (the qualifier words are matched lower-case).
    """
    lo = max(0, start - 30)
    if start <= lo or not text[start - 1].isspace():
        return None
    end = start - 1
    while end > lo and text[end - 1].isspace():
        end -= 1
    # `endswith` with a tuple is one C call (bounded, so nothing is sliced); the regex, which also checks the
    # word boundary, runs only on hits.
    if not (text.endswith(cues.qualifier_ends, lo, end) if is_lower
            else text[lo:end].lower().endswith(cues.qualifier_ends)):
        return None
    q = cues.qualifier_re.search(text, max(0, start - 30), start)
    if not q:
        return None
    word = q.group("q").lower()
    if word in ("over", "about", "some", "around"):
        prev = re.search(r"(\w+)\W*$", text[max(0, q.start() - 30):q.start()])
        if prev and prev.group(1).lower() in cues.preposition_after:
            return None  # "control over two towns": a preposition, not a qualifier
    return q.start(), cues.qualifiers[_key(word)]


class Events(NamedTuple):
    """A Doc's event cues, sorted: starts, ends and classes (parallel lists)."""

    starts: list[int]
    ends: list[int]
    classes: list[str]


def doc_events(text: str, hits: np.ndarray, idx: np.ndarray, cues: FigureCues) -> Events:
    """Every event cue of a Doc, found at tokens flagged as a cue's first word (`token_hits`) -> Events."""
    starts, ends, classes = [], [], []
    last_end = -1
    for p in idx[(hits & 2) > 0].tolist():
        if p < last_end:
            continue
        m = cues.event_re.match(text, p)
        if m is not None:
            g = m.group(0)
            starts.append(p)
            ends.append(m.end())
            classes.append(cues.event_class.get(g.lower()) or cues.event_class[_key(g)])
            last_end = m.end()
    return Events(starts, ends, classes)


def nearest_event(events: Events, s: int, e: int, bounds: tuple[int, int]) -> str | None:
    """The class of the event cue nearest the figure [s, e) within its sentence -> class or None."""
    best, best_d = None, None
    lo = bisect.bisect_left(events.starts, bounds[0])
    hi = bisect.bisect_left(events.starts, bounds[1])
    for i in range(lo, hi):
        ms, me = events.starts[i], events.ends[i]
        if me <= s:
            d = s - me
        elif ms >= e:
            d = ms - e
        else:
            continue  # a cue inside the figure ("displaced people") is its noun, not its event
        if best_d is None or d < best_d:
            best, best_d = events.classes[i], d
    return best


def implied_noun(text: str, s: int, bounds: tuple[int, int], cues: FigureCues) -> str | None:
    """The class of the counted noun nearest before a bare number in its sentence ("attacks ..., 60 since") -> class."""
    found = None
    for m in cues.noun_re.finditer(text, bounds[0], s):
        found = cues.noun_class[_key(m.group(0))]
    return found


_CURRENCY = ("$", "€", "£", "¥")


def lower_next(text: str, end: int, n: int = 6, *, is_lower: bool = False) -> list[str]:
    """The next `n` whitespace-separated words after `end`, lower-cased (`is_lower`: `text` already is) -> list."""
    window = text[end:end + 70]
    return (window if is_lower else window.lower()).split()[:n]


_LINKS = {"of", "at", "to", "reached", "reaching"}


def noun_before(text: str, start: int, cues: FigureCues) -> str | None:
    """The class of a counted noun linked to a following bare number ("population of 22 million") or None."""
    head = text[max(0, start - 40):start]
    if not head[-1:].isspace():
        return None
    words = head.split()
    if len(words) < 2 or words[-1].lower() not in _LINKS:
        return None
    return cues.noun_class.get(words[-2].lower())


_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")
_WORD_AFTER = re.compile(r"\s+([A-Za-z]+)\b")


def _is_month(word: str, cues: FigureCues) -> bool:
    return word[:1].isupper() and word.lower() in cues.months


def month_after(text: str, end: int, cues: FigureCues) -> bool:
    """Whether a capitalised month name follows a number ending at `end` ("31 August")."""
    m = _WORD_AFTER.match(text, end)
    return m is not None and _is_month(m.group(1), cues)


def _digits_span(m: re.Match) -> tuple[int, int] | None:
    digits = m.group("digits")
    if not digits or not digits.isdigit() or m.group("dmag"):
        return None
    return m.span("digits")


def is_year(m: re.Match, value: float, text: str, cues: FigureCues, noun: str | None) -> bool:
    """Whether a year-shaped number in digits is a year, whatever noun follows it.

    A year: after a month or a dateline ("May 2013", "Mon Jul 18 2016", "19 Apr 2017"), after a word that takes a
    year ("in 2014", "since 2011"), after a determiner when what follows counts no people ("the 2014 air strikes"),
    before a capitalised word that is no counted noun ("2014 Islamic State militants"), or with no counted noun.
    """
    span = _digits_span(m)
    if span is None or span[1] - span[0] != 4 or not 1800 <= value <= 2100:
        return False
    start, end = span
    if start >= 2 and text[start - 1] in "-./" and text[start - 2].isdigit():
        return True  # "23-04-2016": the end of a numeric date
    if cues.date_before_re.search(text, max(0, start - 24), start):
        return True
    prev = _WORD_BEFORE.search(text, max(0, start - 16), start)
    if prev is not None:
        word = prev.group(1).lower()
        if word in cues.year_after or (word in cues.year_determiners and cues.units.get(noun) != "people"):
            return True
    nxt = _WORD_AFTER.match(text, end)
    if nxt is not None and nxt.group(1)[:1].isupper() and nxt.group(1).lower() not in cues.noun_words:
        return True
    return noun is None


def is_day(m: re.Match, value: float, text: str, cues: FigureCues, noun: str | None) -> bool:
    """Whether a number in digits is the day of a written date ("August 31", "31 Aug.", "the Sept. 11 attacks").

    With a counted noun after it, a number right after a month is a day unless the month names a period ("in May
    12 civilians were killed").
    """
    span = _digits_span(m)
    if span is None or span[1] - span[0] > 2 or not 1 <= value <= 31:
        return False
    start, end = span
    # Plain slicing and splitting, not a regex search: this runs for every small number of the corpus.
    lo = max(0, start - 30)
    head = text[lo:start]
    words = head.split() if head[-1:].isspace() else []
    if words and (len(words) > 1 or lo == 0 or text[lo - 1].isspace()):
        month = words[-1]
        if _is_month(month[:-1] if month.endswith(".") else month, cues) and month[:1].isalpha():
            if noun is None:
                return True
            return len(words) < 2 or words[-2].lower() not in cues.month_periods
    return noun is None and month_after(text, end, cues)


@lru_cache(maxsize=1024)  # few (noun, event) pairs recur; cues hash by identity
def decide_what(noun: str | None, event: str | None, cues: FigureCues) -> str:
    """The `what` category of a figure from its noun class and event class (first matching rule) -> snake_case."""
    for rule in cues.rules:
        if "noun" in rule and rule["noun"] != noun:
            continue
        if "event" in rule and rule["event"] != event:
            continue
        return rule["what"]
    return noun or event or "count"


_AUX = re.compile(r"(?:\s+(?:others?|more|were|was|are|is|have|has|had|been|being|reportedly|also))*\s+$|\s*$",
                  re.I)  # "12 others were injured": the number's own event after it


def _event_after(text: str, ne: int, events: Events) -> str | None:
    """The class of an event cue right after a figure, across auxiliaries ("10 people were injured") or None."""
    i = bisect.bisect_left(events.starts, ne)
    if i < len(events.starts) and events.starts[i] - ne <= 30 and _AUX.fullmatch(text, ne, events.starts[i]):
        return events.classes[i]
    return None


def _event_adjacent(text: str, ns: int, ne: int, events: Events, cues: FigureCues) -> str | None:
    """The class of an event cue touching a bare number ("killed 12", "1,200 wounded", "17 were injured") or None."""
    after = _event_after(text, ne, events)
    if after is not None:
        return after
    j = bisect.bisect_left(events.ends, ns + 1) - 1
    if j >= 0 and events.ends[j] <= ns:
        gap = text[events.ends[j]:ns]
        if not gap.strip() or (len(gap) < 40 and cues.event_gap_re.fullmatch(gap)):
            return events.classes[j]  # "killed 12", "killed a further 11", "executed another 4"
        # "the death toll rose to 45": a toll links to its number through a verb and a preposition.
        if text[events.starts[j]:events.ends[j]].lower().endswith("toll") and cues.toll_link_re.fullmatch(gap):
            return events.classes[j]
    return None


# Words before a trigger token that may start its number phrase ("a few thousand", "a dozen").
_LEADS = ("a few ", "an ", "a ")
_BACK = 8


def token_like_num(doc: Doc) -> np.ndarray:
    """LIKE_NUM of every token -> uint64 array of 0/1 (one C call, no per-token Python).

    Token offsets and lowercase hashes come from `base.token_starts` and `base.token_lowers`, shared with other
    components.
    """
    return doc.to_array(LIKE_NUM)


class HashTable(NamedTuple):
    """A collision-free direct-address table over lowercase hashes: bucket = (hash >> shift) & mask."""

    shift: int
    mask: int
    keys: np.ndarray
    flags: np.ndarray


@lru_cache(maxsize=8)
def _vocab_table(cues: FigureCues) -> HashTable:
    """Hashes of number words and event first words with bit flags (1 number word, 2 event) -> HashTable.

    Why a direct-address table: it runs over every token of the corpus, and a binary search per token
    (searchsorted) took about 1.5 times as long. String hashes are uniform, so some bit window of them puts the
    ~150 keys in distinct buckets of a 64k table, and a lookup is one shift, one mask and one gather per token.
    """
    flags: dict[int, int] = {}
    for w in cues.triggers:
        flags[hash_string(w)] = flags.get(hash_string(w), 0) | 1
    for w in cues.event_firsts:
        flags[hash_string(w)] = flags.get(hash_string(w), 0) | 2
    for bits in range(16, 25):
        mask = (1 << bits) - 1
        for shift in range(0, 64 - bits + 1):
            buckets = {(k >> shift) & mask for k in flags}
            if len(buckets) == len(flags):
                # Empty buckets hold key 0, which no string hashes to (0 is spaCy's hash of "").
                keys = np.zeros(mask + 1, dtype=np.uint64)
                table = np.zeros(mask + 1, dtype=np.int8)
                for k, f in flags.items():
                    keys[(k >> shift) & mask] = k
                    table[(k >> shift) & mask] = f
                return HashTable(shift, mask, keys, table)
    raise ValueError("no collision-free hash table for the figure vocabulary")  # pragma: no cover


def token_hits(lower: np.ndarray, cues: FigureCues) -> np.ndarray:
    """Per token (LOWER hashes): 1 if it is a number word, 2 if it starts an event cue (bit flags) -> int8 array."""
    t = _vocab_table(cues)
    at = ((lower >> np.uint64(t.shift)) & np.uint64(t.mask)).astype(np.intp)
    return np.where(t.keys[at] == lower, t.flags[at], np.int8(0))


def trigger_positions(like_num: np.ndarray, hits: np.ndarray, idx: np.ndarray) -> list[int]:
    """Character offsets of tokens that may start a number: LIKE_NUM tokens and number words -> sorted list.

    Why arrays: a case-insensitive alternation of number words tried at every character costs a large share of
    tokenisation itself; the tokens' LIKE_NUM flags and lowercase hashes are already computed, so numpy picks the
    candidates and the number grammar runs only there.
    """
    if len(idx) == 0:
        return []
    return idx[(like_num == 1) | ((hits & 1) > 0)].tolist()


def number_matches(text: str, positions: list[int], cues: FigureCues, *, is_lower: bool = False) -> list[re.Match]:
    """Every number phrase of a Doc (the number grammar runs only at `trigger_positions`) -> matches.

    `is_lower`: `text` is already lower-cased, so the lead test needs no slice (this loop runs per trigger token).
    """
    out: list[re.Match] = []
    covered = 0
    match = cues.number_re.match
    for p in positions:
        if p < covered:
            continue
        m = None
        lo = p - _BACK if p - _BACK > covered else covered
        # "a dozen", "an estimated", "a few thousand": the article belongs to the number.
        if text.endswith(_LEADS, lo, p) if is_lower else text[lo:p].lower().endswith(_LEADS):
            head = text[lo:p].lower()
            for lead in _LEADS:
                if head.endswith(lead) and (len(head) == len(lead) or not head[-len(lead) - 1].isalnum()):
                    m = match(text, p - len(lead))
                    if m is not None and m.end() > p:
                        break
                    m = None
        m = m or match(text, p)
        if m is not None:
            out.append(m)
            covered = m.end()
    return out


_MAGNITUDE_END = re.compile(r"(?:dozen|hundred|thousand|million|billion)$", re.I)


def _ends_in_magnitude(m: re.Match) -> bool:
    """Whether a number ends in a magnitude word, so "of" may follow ("a dozen of the", "6 million of")."""
    return bool(m.group("dmag") or m.group("fmag") or (m.group("words") and _MAGNITUDE_END.search(m.group("words"))))


def find_figures(doc: Doc, cues: FigureCues | None = None) -> list[Figure]:
    """All figures of a Doc's headline, body and subheading blocks, in text order -> list of Figure."""
    cues = cues or load_cues()
    if len(doc) == 0:
        return []
    text = doc_text(doc)
    lower = doc_lower(doc)
    is_lower = lower is not None
    if is_lower:  # scan the lower-cased text with exact patterns; slice output from `text`
        src, rx = lower, lowered(cues)
    else:
        src, rx = text, cues
    idx = token_starts(doc)
    hits = token_hits(token_lowers(doc), cues)
    aid = doc._.article_id
    blocks = doc_blocks(doc)
    all_content = not blocks  # a Doc without blocks (a bare sentence in a test or notebook) is all content
    # `base.block_kind_at` inlined (it runs per candidate): is the block holding a number headline/body/subheading?
    starts = block_starts(doc)
    counted_kind = [b.kind in CONTENT_KINDS for b in blocks]
    events: Events | None = None  # found on first need: most articles have few numbers
    out: list[Figure] = []
    triggers = trigger_positions(token_like_num(doc), hits, idx)
    for m in number_matches(src, triggers, rx, is_lower=is_lower):
        ns, ne = m.span()
        if text[ns - 1:ns] in _CURRENCY:
            continue
        if not all_content:
            b = bisect.bisect_right(starts, ns) - 1
            if b < 0 or ns >= blocks[b].end or not counted_kind[b]:
                continue
        if rx.not_after_re.search(src, max(0, ns - NOT_AFTER_CHARS), ns):
            continue  # "a father of five", "aged 45", "Resolution 2254": no count of the conflict
        value, vague = number_value(m, cues)
        digits = m.group("digits")
        # Cheap set tests on the next words decide whether the noun-phrase regexes need to run at all.
        nxt = {w.strip(_WORD_PUNCT) for w in lower_next(src, ne, is_lower=is_lower)}
        np = rx.np_re.match(src, ne) if not nxt.isdisjoint(rx.noun_words) else None
        noun = (cues.noun_class.get(np.group("noun")) or cues.noun_class[_key(np.group("noun"))]) if np else None
        if np and np.group("of") and not (vague or _ends_in_magnitude(m)) and noun not in cues.partitive_classes:
            np = noun = None  # "one of the ..." / "two of the villages": a partitive, not a count ("12 of the dead" is)
        if digits and ((len(digits) == 4 and is_year(m, value, text, cues, noun))
                       or (len(digits) <= 2 and is_day(m, value, text, cues, noun))):
            continue  # "the 2014 air strikes", "Mon Jul 18 2016", "on August 31 killed", "the Sept. 11 attacks"
        if np is None and not nxt.isdisjoint(rx.notc_words) and rx.not_counted_re.match(src, ne):
            continue  # "two senior opposition sources", "10 days", "0300 GMT"
        qual = qualifier_before(src, ns, rx, is_lower=is_lower)
        adjacent = None
        if events is None:
            events = doc_events(src, hits, idx, rx)
        if np is None:
            pre = noun_before(src, ns, rx)
            adjacent = _event_adjacent(text, ns, ne, events, cues)
            magnitude = bool(m.group("dmag") or m.group("fmag")) or value >= 1_000_000
            if not (qual or vague or magnitude or pre or adjacent):
                continue
            if pre:
                noun = pre
        else:  # "nine were killed and more than 10 people were injured": the cue right after wins over "killed"
            adjacent = _event_after(text, np.end(), events)
        start = qual[0] if qual else ns
        end = np.end() if np else ne
        bounds = sentence_bounds(doc, ns)
        event = adjacent or nearest_event(events, start, end, bounds)
        if noun is None and event is None:
            noun = implied_noun(src, start, bounds, rx)
        what = decide_what(noun, event, cues)
        unit = cues.units.get(noun) if noun else cues.event_units.get(event)
        if qual:
            qualifier = qual[1]
        elif vague:
            qualifier = _key(m.group("vague")) + (" of" if np is not None and np.group("of") else "")
        else:
            qualifier = None
        out.append(Figure(aid, start, end, text[start:end], float(value), what, unit, qualifier,
                          vague, bounds[0], bounds[1]))
    return out


class FigureFinder:
    """Find figures; store spans in doc.spans[spans_key] (label = what) and rows in doc.user_data."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str = SPANS_KEY, numbers_path: str | None = None,
                 figures_path: str | None = None) -> None:
        self.name = name
        self.spans_key = spans_key
        self.cues = load_cues(numbers_path or NUMBERS_YAML, figures_path or FIGURES_YAML)

    def __call__(self, doc: Doc) -> Doc:
        rows = find_figures(doc, self.cues)
        doc.spans[self.spans_key] = token_spans(doc, [(f.start, f.end, f.what) for f in rows])
        # Plain dicts survive Doc serialisation (msgpack) when docs cross processes.
        doc.user_data[SPANS_KEY] = [f._asdict() for f in rows]
        return doc


@Language.factory("wb_figures", assigns=["doc.spans"],
                  default_config={"spans_key": SPANS_KEY, "numbers_path": None, "figures_path": None})
def make_figure_finder(nlp: Language, name: str, spans_key: str, numbers_path: str | None,
                       figures_path: str | None) -> FigureFinder:
    """Factory for the figure finder (vocabulary from data/numbers.yaml and data/figures.yaml by default)."""
    return FigureFinder(nlp, name, spans_key=spans_key, numbers_path=numbers_path, figures_path=figures_path)


def records(doc: Doc) -> list[dict]:
    """Rows of the `figures` table for one Doc (computed here if wb_figures did not run) -> list of dicts."""
    rows = doc.user_data.get(SPANS_KEY)
    if rows is None:
        rows = [f._asdict() for f in find_figures(doc)]
    return [dict(r) for r in rows]
