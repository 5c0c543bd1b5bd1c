"""The wb_timex component: temporal expressions (TIMEX3 type, value, mod) resolved against the publication date.

One pattern of named alternatives (built from the vocabulary in data/timex.yaml) is matched over `doc.text`, found
fast: a scanner finds the word starts that can begin an expression and only the alternatives that can start with that
character are tried there (`_matches`). Each match is then read by a small resolver for its kind, so the work grows
with the number of matches, not tokens (the rules pipeline must stay near bare tokenisation speed). Results go to `doc.spans["wb_timex"]` (label = TIMEX3 type) and `records(doc)`
yields rows of the `timex` table.

We hand-write the resolution because it is our codebook's science (CODEBOOK "Temporal expressions"): weekdays and
bare months take the direction of their sentence (past for reports, next for what was announced), "last week" is the
ISO week before publication, parts of day resolve to the date. dateparser anchors relative dates to the wall clock
and knows none of these rules; parsing a matched (month, day, year) triple is a dictionary lookup.

References:
    Pustejovsky et al. (2005), "The Specification Language TimeML"; TimeML Annotation Guidelines 1.2.1 (TIMEX3
    values: 2019-W34, P8Y, PXM, PT24H, PRESENT_REF, seasons SU/WI, mods START/MID/END/APPROX).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..config import TIMEX_YAML
from .base import block_kind_at, doc_blocks, doc_text, sentence_bounds, token_starts
from .numbers import parse_number, small_number_words
from .timex3 import date_value as _date, is_valid, plus, shift_months, week_value as _iso_week, year_value

SPANS_KEY = "wb_timex"
_WORD = re.compile(r"[a-z]+|['’]ll\b")
DIRECTED_KINDS = frozenset({"weekday", "hours_of", "month", "reldate", "posmod", "time_a", "time_b", "clock",
                            "daydate"})
NEAR_DAYS = 31  # a yearless day date this close to publication is the nearest occurrence, whatever the tense
NEAR_MONTHS = 1  # likewise a bare month this many months before or after publication
SP = r"[ \t\u00a0]+"  # spaces inside a line only: an expression never crosses a block (line) boundary
OSP = r"[ \t\u00a0]*"
_LEFT_GAP = " \t\u00a0"  # what can end the left extension of a match (see find_timexes)


class Timex(NamedTuple):
    """One row of the `timex` table."""

    article_id: str
    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None
    sent_start: int
    sent_end: int


class Vocab(NamedTuple):
    """The compiled vocabulary of data/timex.yaml."""

    cfg: dict
    regex: re.Pattern
    months: dict[str, int]
    weekdays: dict[str, int]
    cues: dict
    future_signal_regex: re.Pattern
    left: dict[str, re.Pattern]
    cache: dict
    scan: re.Pattern  # candidate starts (see Matcher)
    by_char: dict[str, re.Pattern | None]  # first character of a candidate -> the alternatives that can start with it


def _alt(words: Iterable[str]) -> str:
    """Words -> a regex alternation, longest first, spaces matching any in-line whitespace."""
    ws = sorted({w for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", SP) for w in ws) + ")"


def _alternatives(cfg: dict) -> dict[str, str]:
    """Kind -> its pattern; together the named alternatives tried left to right at each word start."""
    wd = _alt(cfg["weekdays"])
    monf = _alt(cfg["months"])
    mona = "(?:" + _alt(cfg["month_abbrevs"]) + r"\.?)"
    monx = f"(?:{monf}|{mona})"
    part = "(?i:" + _alt(cfg["parts_of_day"]) + ")"
    season = "(?i:" + _alt(cfg["seasons"]) + ")"
    unit_names = list(cfg["units"])
    unit = "(?i:(?:" + "|".join(unit_names + ["centurie"]) + ")s?)"
    units_pl = "(?i:(?:" + "|".join(u + "s" for u in unit_names if u != "century") + "|centuries))"
    numw = "(?i:" + _alt(w for w in cfg["number_words"] if w not in ("a", "an")) + r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?)"
    num = rf"(?:\d+(?:\.\d+)?|{numw})"
    vague = "(?i:(?:a" + SP + ")?" + _alt(cfg["vague_counts"]) + ")"
    year = r"(?:1[89]|20)\d\d"
    daynum = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    # A weekday written before a day date belongs to it ("Wed 19 Apr 2017", "Saturday, May 18"): one expression.
    wdx = "(?:" + wd + "|" + _alt(cfg["weekday_abbrevs"]) + r"\.?)"
    daydate = (rf"(?:{wdx},?{SP})?(?:{monx}{SP}{daynum}(?!\d)(?:,?{SP}{year})?"
               rf"|{daynum}{SP}(?:of{SP})?{monx}(?:,?{SP}{year})?|{year}-[01]\d-[0-3]\d)")
    ampm = r"[aApP]\.?[mM]\.?(?![A-Za-z])"
    tz = rf"(?:{OSP}(?:GMT|UTC|Z)\b|{SP}local{SP}time)?"
    clock = (rf"(?:(?:[01]?\d|2[0-3])(?::[0-5]\d)?{OSP}{ampm}|(?:[01]?\d|2[0-3]):[0-5]\d"
             rf"|[0-2]\d[0-5]\d(?={OSP}(?:GMT|UTC|Z\b|{SP}local|hrs|{SP}hours)))(?:{OSP}hrs|{SP}(?i:hours)\b)?{tz}")
    dateanchor = rf"(?:{daydate}|{wd}(?:{SP}{part})?)"
    rel = "(?i:earlier|later)"
    here = "(?i:this|last|next|past|coming)"
    sets = "(?i:" + _alt(cfg["sets"]) + ")"
    present = "(?i:" + _alt(cfg["present_words"]) + ")"
    # Leading "the", "a" and qualifiers ("nearly", "over") are not in these patterns: they are common words, so
    # find_timexes extends a match leftwards over them instead (LEFT_EXTENSIONS), which keeps the scan fast.
    posmod_core = "(?i:" + _alt(k[4:] if k.startswith("the ") else k for k in cfg["position_mods"]) + ")"
    return dict([
        ("time_a", rf"{clock}{SP}(?:(?i:on){SP})?{dateanchor}"),
        ("time_b", rf"{dateanchor},?{SP}(?:(?i:at){SP})?{clock}"),
        ("ago", rf"(?:(?:{num}|{vague}){SP})?{unit}{SP}(?i:ago)"),
        ("reldate", rf"(?:{rel}{SP})?{here}{SP}(?:(?i:week|month|year|weekend)\b|{part}|{wd}|{monf})"),
        ("durrel", rf"(?i:last|past|next|coming|previous|following|recent){SP}(?:(?:{vague}|{num}){SP})?{unit}\b"),
        ("posmod", rf"{posmod_core}(?:{SP}|-)(?:{monf}(?:,?{SP}{year})?|{year}|{here}{SP}(?i:week|month|year)"
                   rf"|(?i:the){SP}(?i:week|month|year))"),
        ("season", rf"{season}{SP}(?:(?i:of){SP})?{year}|{here}{SP}{season}\b"),
        ("dayword", "(?i:" + _alt(cfg["day_words"]) + r")\b"),
        ("daydate", daydate),
        ("monyear", rf"{monf},?{SP}{year}"),
        ("hours_of", "(?i:" + _alt(cfg["hours_of"]) + rf"){SP}(?i:hours){SP}(?i:of){SP}"
                     rf"(?:{wd}(?:{SP}{part})?|{daydate})"),
        ("weekday", rf"{wd}(?:{SP}{part})?"),
        ("month", rf"{monf}(?!{OSP}\d)"),
        ("clock", clock),  # before durnum: "1500 hours" is a time of day, not a duration
        ("durnum", rf"{num}(?:{SP}|-)(?:(?i:straight|consecutive|full|whole){SP})?{unit}(?:-(?i:long|old))?\b"
                   rf"|{unit}-?(?i:long)\b"),
        ("set", rf"{sets}\b|(?i:every|each){SP}(?:(?i:day|week|month|year|night|morning)\b|{wd})"),
        ("present", rf"{present}\b"),
        # "in the future." / "in the past,": a reference, not "future talks" or "the past week".
        ("ref", rf"(?i:future|past)(?={OSP}(?:[.,;:!?)]|$))"),
        ("bare_units", rf"(?:{vague}{SP})?{units_pl}"),
        ("decade", r"(?:1[89]|20)\d0s"),
        ("year", rf"(?:(?i:early|mid|late)[ -])?(?<![\d.,$£€-]){year}(?!\d|,\d|\.\d|-\d|/\d)"),
    ])


def _build_matchers(cfg: dict) -> tuple[re.Pattern, re.Pattern, dict[str, re.Pattern | None]]:
    """The full pattern, the candidate scanner and the per-first-character patterns (see `_matches`)."""
    alts = _alternatives(cfg)
    # A trie of every word an expression can start with, checked first: the engine rejects most word starts
    # with one cheap lookahead and tries the alternatives only at the few positions that can begin a match.
    # Case variants are spelled out: a case-sensitive trie scans about twice as fast as an (?i:) one.
    words = {w.lower() for w in _trigger_words(cfg)}
    words |= {w[0].upper() + w[1:] for w in words} | {w.upper() for w in words}
    trie = _trie(words)

    def union(names: Iterable[str]) -> str:
        return "(?:" + "|".join(f"(?P<{name}>{alts[name]})" for name in names) + r")(?!\w)"

    full = re.compile(rf"\b(?=\d|{trie}\b)" + union(alts))
    # The scanner starts with a character class (the non-word character before a word), so the engine skips
    # between candidates in its C loop instead of starting a match attempt at every character; a match at
    # offset 0, which has no character before it, is tried separately.
    scan = re.compile(rf"\W(?=\d|{trie}\b)")
    # At a candidate only the alternatives that can start with its first character are tried (about a third of
    # them): failing the others' long word lists (numbers, units) was most of the matching time.
    keys = {w[0] for w in words} | set("0123456789")
    starts = {name: _first_chars(pat, keys) for name, pat in alts.items()}
    by_char = {}
    for ch in keys:
        names = [name for name in alts if ch in starts[name]]
        by_char[ch] = re.compile(union(names)) if names else None
    return full, scan, by_char


def _first_chars(pattern: str, keys: set[str]) -> set[str]:
    """Which of the ASCII characters `keys` a match of `pattern` can start with (a superset when unsure).

    Reads the parse tree of Python's private `re._parser` (Python 3.11+; `sre_parse` before): when it is missing
    or its tree unexpected, every key is returned, which keeps all alternatives and only costs speed.
    """
    try:
        from re import _parser as parser, _constants as c
    except ImportError:  # pragma: no cover - Python < 3.11
        try:
            import sre_parse as parser
            import sre_constants as c
        except ImportError:
            return set(keys)
    try:
        return _first_of(list(parser.parse(pattern)), keys, False, c)[0]
    except Exception:  # noqa: BLE001 - a tree we do not know: assume any start
        return set(keys)


def _first_of(items: list, keys: set[str], icase: bool, c) -> tuple[set[str], bool]:
    """First characters of a sequence of parse items -> (keys it can start with, whether it can match empty)."""
    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            first, empty = {k for k in keys if _same_char(av, k, icase)}, False
        elif op is c.IN:
            first, empty = {k for k in keys if _in_set(av, k, icase, c)}, False
        elif op is c.SUBPATTERN:
            _group, add, drop, sub = av
            ic = (icase or bool(add & c.SRE_FLAG_IGNORECASE)) and not drop & c.SRE_FLAG_IGNORECASE
            first, empty = _first_of(list(sub), keys, ic, c)
        elif op is c.BRANCH:
            first, empty = set(), False
            for alt in av[1]:
                f, e = _first_of(list(alt), keys, icase, c)
                first |= f
                empty = empty or e
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, _hi, sub = av
            first, empty = _first_of(list(sub), keys, icase, c)
            empty = empty or lo == 0
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            first, empty = set(), True  # zero-width: ignoring its condition only widens the set
        else:
            first, empty = set(keys), True  # anything else (NOT_LITERAL, ANY, group references): any start
        out |= first
        if not empty:
            return out, False
    return out, True


def _same_char(code: int, key: str, icase: bool) -> bool:
    if not icase:
        return chr(code) == key
    # Non-ASCII characters can fold onto ASCII ones (KELVIN SIGN ~ k): count them as possible.
    return code > 127 or chr(code).lower() == key.lower()


def _in_set(items: list, key: str, icase: bool, c) -> bool:
    """Whether the character class `items` can match the ASCII character `key` (True when unsure)."""
    negate = bool(items) and items[0][0] is c.NEGATE
    cases = {key.lower(), key.upper()} if icase else {key}
    classes = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_NOT_DIGIT: r"\D", c.CATEGORY_WORD: r"\w",
               c.CATEGORY_NOT_WORD: r"\W", c.CATEGORY_SPACE: r"\s", c.CATEGORY_NOT_SPACE: r"\S"}
    hit = False
    for op, av in items[1:] if negate else items:
        if op is c.LITERAL:
            if icase and av > 127:
                return True
            hit = hit or chr(av) in cases
        elif op is c.RANGE:
            lo, hi = av
            if icase and hi > 127:
                return True
            hit = hit or any(lo <= ord(k) <= hi for k in cases)
        elif op is c.CATEGORY and av in classes:
            hit = hit or any(re.match(classes[av], k) for k in cases)
        else:
            return True
    return hit != negate


def _trigger_words(cfg: dict) -> set[str]:
    """Every word a temporal expression can start with (first words of the vocabulary and of fixed cues)."""
    lists = [cfg["weekdays"], cfg["weekday_abbrevs"], cfg["months"], cfg["month_abbrevs"], cfg["parts_of_day"],
             cfg["hours_of"],
             cfg["seasons"],
             cfg["day_words"], cfg["number_words"], cfg["vague_counts"],
             [k[4:] if k.startswith("the ") else k for k in cfg["position_mods"]], cfg["sets"], cfg["present_words"],
             [u + "s" for u in cfg["units"]], cfg["units"], ["centuries"], [u + "long" for u in cfg["units"]],
             ["this", "last", "next", "past", "coming", "previous", "following", "recent", "earlier", "later",
              "every", "each", "future"]]
    return {str(w).split()[0] for lst in lists for w in lst} - {"a", "an", "some"}


def _left_regexes(cfg: dict) -> dict[str, re.Pattern]:
    r"""Kind -> a pattern of the words that may precede a match inside the expression (anchored at its start).

    Each word must start a word (`\b`): else "Syria 3 days ago" would take the "a" of "Syria" and "Moreover" its "over".
    `\Z`, not `$`: `$` also matches before a final newline, which let an extension reach onto the previous line.
    """
    the = rf"\b(?i:the){SP}\Z"
    qual = r"\b(?i:" + _alt([*cfg["approx_words"], *cfg["more_words"]]) + rf"){SP}\Z"
    return {k: re.compile(v) for k, v in {
        "durrel": the, "reldate": the, "posmod": the, "season": the, "decade": the, "hours_of": the,
        "ago": rf"{qual[:-2]}(?:(?i:an?){SP})?\Z|\b(?i:an?){SP}\Z", "durnum": qual,
        "set": rf"\b(?i:almost|nearly){SP}\Z", "bare_units": rf"\b(?i:an?){SP}\Z", "ref": the,
        # "late on Friday", "early Saturday": the part of the day stays in the extent (mod END / START).
        "weekday": rf"\b(?i:late|early){SP}(?:(?i:on){SP})?\Z",
    }.items()}


def _trie(words: Iterable[str]) -> str:
    """Words -> a prefix-factored regex (Python's engine tests a shared prefix once instead of once per word)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")

    return emit(root)


@lru_cache(maxsize=4)
def load_vocab(path: str | Path = TIMEX_YAML) -> Vocab:
    """Read data/timex.yaml and compile its regexes -> Vocab."""
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    cfg["number_words"] = small_number_words()  # the one number vocabulary, data/numbers.yaml
    months = {k.lower(): v for k, v in cfg["months"].items()}
    months.update({k.lower(): v for k, v in cfg["month_abbrevs"].items()})
    weekdays = {w.lower(): i for i, w in enumerate(cfg["weekdays"])}
    cues: dict = {}
    for key, words in (("F", cfg["future_cues"]), ("P", cfg["past_cues"])):
        for w in words:
            parts = tuple(_WORD.findall(w.lower()))
            cues[parts[0] if len(parts) == 1 else parts[-2:]] = key
    future_signal_regex = re.compile(r"\b" + _alt(cfg["future_signals"]) + rf"{OSP}(?:on{SP}|at{SP})?$", re.I)
    full, scan, by_char = _build_matchers(cfg)
    return Vocab(cfg, full, months, weekdays, cues, future_signal_regex, _left_regexes(cfg), {}, scan, by_char)


# --- resolution helpers -------------------------------------------------------------------------------------------

def _number(token: str, cfg: dict) -> float | None:
    """A digit string or number word ("eight", "twenty-four") -> its value (`numbers.parse_number`), None when vague."""
    t = token.lower()
    return cfg["number_words"][t] if t in ("a", "an") else parse_number(t)


def _fmt_num(x: float | None) -> str:
    if x is None:
        return "X"
    return str(int(x)) if float(x).is_integer() else str(x)


def _unit_of(text: str, cfg: dict) -> tuple[str, dict] | None:
    """The duration unit named in `text` (last one wins) -> (name, spec) or None."""
    found = None
    for m in re.finditer(r"[A-Za-z]+", text):
        w = m.group(0).lower()
        w = "century" if w.startswith("centur") else w.rstrip("s") if w not in ("hours",) else "hour"
        if w.endswith("long") and w[:-4] in cfg["units"]:  # "weeklong", "hourlong"
            w = w[:-4]
        if w in cfg["units"]:
            found = (w, cfg["units"][w])
    return found


def duration_value(count: float | None, unit: str, cfg: dict) -> str:
    """A count (None = unspecified) and a unit name -> TIMEX3 duration value (P8Y, PXM, PT24H)."""
    spec = cfg["units"][unit]
    n = count * spec.get("factor", 1) if count is not None else None
    # TimeML writes unspecified counts without the time designator ("the coming hours" -> PXH, but PT24H).
    return ("PT" if spec.get("time") and n is not None else "P") + _fmt_num(n) + spec["code"]


def _mod_of(text: str, cfg: dict) -> str | None:
    low = text.lower()
    for w in cfg["approx_words"]:
        if re.match(rf"{re.escape(w)}\b", low):
            return "APPROX"
    for w, mod in cfg["more_words"].items():
        if re.match(re.escape(w).replace(r"\ ", SP) + r"\b", low):
            return mod
    return None


def direction(text: str, sent_start: int, start: int, end: int, sent_end: int, vocab: Vocab) -> int:
    """Whether an unanchored weekday/month points back (-1) or forward (+1), read from its sentence -> -1 or 1.

    A forward signal right before the expression ("from", "starting") wins; else the nearest tense cue to its left
    in the sentence ("will", "would" vs "said", "was"); else the first cue to its right; else past (news reports).
    """
    left = text[max(sent_start, start - 200):start]
    cues = vocab.cues
    if vocab.future_signal_regex.search(left[-30:]):
        # "As of October, Emirates had ...": a signal before a clause told in the past points back.
        # Attribution verbs ("..., officials said") tell when it was said, not when it happens: skipped here.
        return -1 if _first_cue(text[end:min(sent_end, end + 200)], cues, skip=vocab.cfg["attribution_cues"]) == "P" \
            else 1
    # Word lookups, not a regex of cues: a cue alternation tried at every character cost ~250 us per expression.
    words = _WORD.findall(left.lower())
    for i in range(len(words) - 1, -1, -1):
        hit = cues.get((words[i - 1], words[i])) if i else None
        hit = hit or cues.get(words[i])
        if hit:
            return 1 if hit == "F" else -1
    return 1 if _first_cue(text[end:min(sent_end, end + 200)], cues) == "F" else -1


def _first_cue(right: str, cues: dict, skip: Iterable[str] = ()) -> str | None:
    """The first tense cue ("F" or "P") of a stretch of text (words in `skip` aside), None if it holds none."""
    words = _WORD.findall(right.lower())
    for i, w in enumerate(words):
        if w in skip:
            continue
        hit = cues.get(w) or (cues.get((w, words[i + 1])) if i + 1 < len(words) else None)
        if hit:
            return hit
    return None


class Context(NamedTuple):
    """What a resolver needs besides the matched text."""

    published: dt.date | None
    direction: int
    vocab: Vocab


def _weekday_date(idx: int, ctx: Context, text: str) -> dt.date | None:
    pub = ctx.published
    if pub is None:
        return None
    low = text.lower()
    delta = idx - pub.weekday()
    if low.startswith(("last ", "past ")):
        return plus(pub, days=delta - 7 if delta >= 0 else delta)
    if low.startswith(("next ", "coming ")):
        return plus(pub, days=delta + 7 if delta <= 0 else delta)
    if delta == 0:
        return pub
    if ctx.direction > 0:
        return plus(pub, days=delta if delta > 0 else delta + 7)
    return plus(pub, days=delta if delta < 0 else delta - 7)


def _month_year(month: int, ctx: Context, text: str) -> str:
    pub = ctx.published
    if pub is None:
        return f"XXXX-{month:02d}"
    low = text.lower()
    if low.startswith("last "):
        y = pub.year if month < pub.month else pub.year - 1
    elif low.startswith("next "):
        y = pub.year if month > pub.month else pub.year + 1
    elif month == pub.month:
        y = pub.year
    elif (pub.month - month) % 12 <= NEAR_MONTHS or (month - pub.month) % 12 <= NEAR_MONTHS:
        # Last month or next month is the month meant, whatever the tense ("Clark in October revealed ..."
        # written in November): the one a year away is not.
        y = pub.year + (0 if abs(month - pub.month) <= NEAR_MONTHS else (1 if month < pub.month else -1))
    elif ctx.direction > 0:
        y = pub.year if month > pub.month else pub.year + 1
    else:
        y = pub.year if month < pub.month else pub.year - 1
    return f"{y}-{month:02d}"


def _find_weekday(text: str, vocab: Vocab) -> int | None:
    for w in re.findall(r"[A-Za-z]+", text):
        if w.lower() in vocab.weekdays and w[0].isupper():
            return vocab.weekdays[w.lower()]
    return None


_DAYDATE_MD = re.compile(r"([A-Za-z]+)\.?[ \t\u00a0]+(\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?[ \t\u00a0]+(\d{4}))?")
_DAYDATE_DM = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \t\u00a0]+(?:of[ \t\u00a0]+)?([A-Za-z]+)\.?(?:,?[ \t\u00a0]+(\d{4}))?")
_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_CLOCK = re.compile(r"(?<![\d:])(\d{1,2})(?::?(\d\d))?[ \t\u00a0]*(?:([aApP])\.?[mM]\.?)?(?:[ \t\u00a0]*(hrs|hours))?"
                    r"(?:[ \t\u00a0]*(GMT|UTC|Z)\b|[ \t\u00a0]*(local[ \t\u00a0]+time))?")


def _calendar_date(text: str, ctx: Context) -> str | None:
    """An explicit day date in `text` (August 31, 31 August 2019, 2019-08-31) -> value, year by nearest occurrence."""
    vocab = ctx.vocab
    m = _ISO.search(text)
    if m:
        return m.group(0)
    for rx, mi, di, yi in ((_DAYDATE_DM, 2, 1, 3), (_DAYDATE_MD, 1, 2, 3)):
        for m in rx.finditer(text):
            month = vocab.months.get(m.group(mi).lower())
            if month is None:
                continue
            day = int(m.group(di))
            if m.group(yi):
                return f"{int(m.group(yi)):04d}-{month:02d}-{day:02d}"
            if ctx.published is None:
                return f"XXXX-{month:02d}-{day:02d}"
            pub = ctx.published
            days = []
            for y in (pub.year - 1, pub.year, pub.year + 1):
                try:
                    days.append(dt.date(y, month, day))
                except ValueError:
                    continue
            back = max((d for d in days if d <= pub), default=None)
            fwd = min((d for d in days if d >= pub), default=None)
            near = [d for d in (back, fwd) if d is not None]
            best = min(near, key=lambda d: abs((d - pub).days)) if near else None
            # A day far from publication either way takes the sentence's direction ("was arrested ... for the
            # March 21 call" is the past one even when next March is nearer); a day within a month is the near one.
            if best is not None and abs((best - pub).days) > NEAR_DAYS:
                best = (back if ctx.direction < 0 else fwd) or best
            # No such day near publication (31 April): a value the TIMEX3 check rejects, never another date.
            return _date(best) if best else f"XXXX-{month:02d}-{day:02d}"
    return None


def _anchor_date(text: str, ctx: Context) -> str:
    """The date part of a date(+time) expression -> value (XXXX-XX-XX when unresolved)."""
    cal = _calendar_date(text, ctx)
    if cal:
        return cal
    idx = _find_weekday(text, ctx.vocab)
    if idx is not None:
        d = _weekday_date(idx, ctx, text)
        return _date(d) if d else f"XXXX-WXX-{idx + 1}"
    return _date(ctx.published) if ctx.published else "XXXX-XX-XX"


def _clock_value(text: str) -> str | None:
    """The clock time in `text` ("6am", "6:00 am", "0300 GMT") -> "T06:00" / "T03:00Z", None if absent."""
    best = None
    for m in _CLOCK.finditer(text):
        h, mi, ap, tz = m.group(1), m.group(2), m.group(3), m.group(5)
        # "0600 hrs", "0600 local time": a marker other than a zone also makes four digits a military clock time.
        marked = tz or m.group(4) or m.group(6)
        if not (ap or mi or tz):
            continue
        hour, minute = int(h), int(mi or 0)
        if len(h) == 2 and mi and not ap and ":" not in m.group(0) and not marked:
            continue
        if ap and ap.lower() == "p" and hour < 12:
            hour += 12
        if ap and ap.lower() == "a" and hour == 12:
            hour = 0
        best = f"T{hour:02d}:{minute:02d}" + ("Z" if tz else "")
        break
    return best


def resolve(kind: str, text: str, ctx: Context) -> tuple[str, str, str | None] | None:
    """One matched expression of a kind -> (type, value, mod), or None when it is not a temporal expression."""
    cfg, vocab, pub = ctx.vocab.cfg, ctx.vocab, ctx.published
    low = text.lower()
    if kind in ("time_a", "time_b", "clock"):
        clock = _clock_value(text)
        if clock is None:
            return None
        return "TIME", _anchor_date(text, ctx) + clock, None
    if kind == "ago":
        u = _unit_of(text, cfg)
        if u is None:
            return None
        unit = u[0]
        words = re.findall(r"[\w.-]+", low)
        vague = any(w in cfg["vague_counts"] for w in words)
        n = None if vague else next((x for x in map(lambda w: _number(w, cfg), words) if x is not None), None)
        mod = _mod_of(text, cfg)
        if n is None or pub is None or not math.isfinite(n):
            return "DATE", "PAST_REF", mod
        # A count past the calendar ("5000000 days ago") is still a past reference, just not a datable one.
        value = None
        if unit == "day":
            value = _date(plus(pub, days=-int(n)))
        elif unit == "week":
            value = _iso_week(plus(pub, weeks=-int(n)))
        elif unit == "month":
            ym = shift_months(pub, -int(n))
            value = f"{ym[0]:04d}-{ym[1]:02d}" if ym else None
        elif unit == "year":
            value = year_value(pub.year - int(n))
        return "DATE", value or "PAST_REF", mod
    if kind == "durrel":
        rel = _RELATIONAL.fullmatch(low)
        if rel:  # "the previous day": a date one step from the reference (see _relative_to_previous)
            return "DATE", shift_value(pub, rel.group(2), 1 if rel.group(1) != "previous" else -1), None
    if kind in ("durrel", "durnum", "bare_units"):
        u = _unit_of(text, cfg)
        if u is None:
            return None
        n = None
        if (kind == "durrel" and not any(v in low for v in cfg["vague_counts"]) and not re.search(r"s\b", low.split()[-1])) \
                or (kind == "durnum" and re.match(r"[a-z]+-?long", low)):
            n = 1.0  # "the past week", "year-long"
        for w in re.findall(r"[\w.]+(?:-[a-z]+)?", low):
            x = _number(w, cfg) if w not in ("a", "an") else None
            if x is None and "-" in w:
                x = _number(w.split("-")[0], cfg)
            if x is not None:
                n = x
                break
        return "DURATION", duration_value(n, u[0], cfg), _mod_of(text, cfg) if kind == "durnum" else None
    if kind == "posmod":
        # The pattern lets any in-line spaces separate the words ("the end\u00a0of"): match the modifier likewise.
        # Longest modifier first and whole words only, so "middle of August" is never read as "mid" + "dle of".
        for k, mod in sorted(cfg["position_mods"].items(), key=lambda kv: -len(kv[0])):
            core = k[4:] if k.startswith("the ") else k
            lead = rf"(?:the{SP})?" if k.startswith("the ") else ""
            m = re.match(lead + re.escape(core).replace(r"\ ", SP) + r"(?![a-z])", low)
            if m:
                break
        else:
            return None
        rest = text[m.end():].strip(" -\t")
        sub = _resolve_plain(rest, ctx)
        return ("DATE", sub, mod) if sub else None
    if kind == "season":
        code = next(c for s, c in cfg["seasons"].items() if re.search(rf"\b{s}\b", low))
        y = re.search(r"\d{4}", text)
        if y:
            return "DATE", f"{y.group(0)}-{code}", None
        if pub is None:
            return "DATE", f"XXXX-{code}", None
        year = pub.year + (1 if low.startswith("next") else -1 if low.startswith(("last", "past")) else 0)
        return "DATE", f"{year}-{code}", None
    if kind == "reldate":
        return _reldate(text, ctx)
    if kind == "dayword":
        off = next(v for k, v in cfg["day_words"].items() if low == k)
        return "DATE", _date(plus(pub, days=off)) if pub else "XXXX-XX-XX", None
    if kind in ("daydate", "weekday", "hours_of"):
        pos = re.match(r"(late|early)\b", low)
        return "DATE", _anchor_date(text, ctx), ({"late": "END", "early": "START"}[pos.group(1)] if pos else None)
    if kind == "monyear":
        m = re.match(r"([A-Za-z]+)\W+(\d{4})", text)
        return "DATE", f"{m.group(2)}-{vocab.months[m.group(1).lower()]:02d}", None
    if kind == "month":
        return "DATE", _month_year(vocab.months[low], ctx, text), None
    if kind == "set":
        # The qualifier the left extension took in ("nearly every day") is the mod, not part of the frequency.
        qualified = re.match(r"(?:almost|nearly)\s+", low)
        core = low[qualified.end():] if qualified else low
        if core.startswith(("every", "each")):
            u = _unit_of(core.split(None, 1)[1], cfg)
            value = duration_value(1, u[0], cfg) if u else "P1W"
        else:
            value = next((v for k, v in cfg["sets"].items() if core.endswith(k)), None)
            if value is None:
                return None
        return "SET", value, "APPROX" if qualified else None
    if kind == "present":
        return "DATE", "PRESENT_REF", None
    if kind == "ref":
        return "DATE", "FUTURE_REF" if low.endswith("future") else "PAST_REF", None
    if kind == "decade":
        return "DATE", re.search(r"\d{3}", text).group(0), None
    if kind == "year":
        y = re.search(r"\d{4}", text).group(0)
        mod = next((v for k, v in cfg["position_mods"].items() if low.startswith(k)), None)
        return "DATE", y, mod
    return None


def _resolve_plain(text: str, ctx: Context) -> str | None:
    """The value of a month, month-year, year or this/last/next week|month|year phrase (after early/mid/late)."""
    low = text.lower()
    m = re.fullmatch(r"([A-Za-z]+)(?:,?\s+(\d{4}))?", text)
    if m and m.group(1).lower() in ctx.vocab.months:
        month = ctx.vocab.months[m.group(1).lower()]
        return f"{m.group(2)}-{month:02d}" if m.group(2) else _month_year(month, ctx, text)
    if re.fullmatch(r"\d{4}", text):
        return text
    if low.startswith("the "):
        low = "this " + low[4:]
    r = _reldate(low, ctx)
    return r[1] if r else None


def _reldate(text: str, ctx: Context) -> tuple[str, str, str | None] | None:
    """this/last/next (+ earlier/later) week|month|year|weekend|part of day|weekday|month -> (type, value, mod)."""
    pub, vocab = ctx.published, ctx.vocab
    words = text.split()
    low = [w.lower() for w in words]
    if low[0] in ("earlier", "later"):
        words, low = words[1:], low[1:]
    rel, what = low[0], low[-1]
    step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(rel, 0)
    if what in vocab.weekdays:
        idx = vocab.weekdays[what]
        d = _weekday_date(idx, ctx, " ".join(words))
        return "DATE", _date(d) if d else f"XXXX-WXX-{idx + 1}", None
    if what in vocab.months and words[-1][0].isupper():
        return "DATE", _month_year(vocab.months[what], ctx, " ".join(words)), None
    if what in [p.lower() for p in ctx.vocab.cfg["parts_of_day"]]:
        if pub is None:
            return "DATE", "XXXX-XX-XX", None
        return "DATE", _date(plus(pub, days=step)), None
    if pub is None:
        return "DATE", {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX", "year": "XXXX"}.get(
            what, "XXXX-XX-XX"), None
    if what == "week":
        return "DATE", _iso_week(plus(pub, weeks=step)), None
    if what == "weekend":
        week = _iso_week(plus(pub, weeks=step))
        return "DATE", week and week + "-WE", None
    if what == "month":
        ym = shift_months(pub, step)
        return "DATE", ym and f"{ym[0]:04d}-{ym[1]:02d}", None
    if what == "year":
        return "DATE", year_value(pub.year + step), None
    return None


_PREV_WORD = re.compile(r"([A-Za-z]+)[ \t\u00a0]+\Z")  # \Z: the word must be on the expression's line


def _keep(kind: str, text: str, doc_text: str, start: int, end: int, vocab: Vocab) -> bool:
    """Filters a regex cannot express cheaply: counts that look like years, "May" the verb, "Daily Sabah"."""
    if kind == "year":
        nxt = re.match(r"[ \t\u00a0]+([A-Za-z]+)", doc_text[end:end + 30])
        if nxt and nxt.group(1).lower() in vocab.cfg["count_nouns"]:
            return False
    if kind == "month" and text in vocab.cfg["ambiguous_months"]:
        prev = _PREV_WORD.search(doc_text, max(0, start - 20), start)
        if not prev or prev.group(1).lower() not in vocab.cfg["month_preceders"]:
            return False
    if kind == "durnum" and _is_age(text, doc_text, end, vocab):
        return False
    if kind == "bare_units" and text[0].isupper() and start and _PREV_WORD.search(doc_text, max(0, start - 30), start):
        prev = _PREV_WORD.search(doc_text, max(0, start - 30), start).group(1)
        if prev[0].isupper():
            return False  # "Timothy Weeks": a surname after a first name
    if kind == "set" and text[0].isupper():
        nxt = re.match(r"[ \t\u00a0]+([A-Z])", doc_text[end:end + 3])
        if nxt:
            return False
    return True


_AGE_AFTER = re.compile(r"-olds?\b|[ \t\u00a0]+old\b|[ \t\u00a0]+of[ \t\u00a0]+age\b", re.I)
_NEXT_WORD = re.compile(r"[ \t\u00a0]+([A-Za-z]+)")


def _is_age(text: str, doc_text: str, end: int, vocab: Vocab) -> bool:
    """Whether a count of years is someone's age ("10-year-olds", "aged 73 years old", "the 56-year-old said"),
    not a duration: "-old" counts as a duration only before a noun of something that lasts ("an eight-year-old
    conflict")."""
    if _AGE_AFTER.match(doc_text, end, end + 12):
        return True
    if text.lower().endswith("-old"):
        nxt = _NEXT_WORD.match(doc_text, end, end + 40)
        return not (nxt and nxt.group(1).lower() in vocab.cfg["durative_nouns"])
    return False


def _matches(text: str, vocab: Vocab) -> Iterable[re.Match]:
    """The matches of `vocab.regex.finditer(text)`, found faster: candidates first, then a short pattern at each."""
    full, by_char = vocab.regex, vocab.by_char
    m = full.match(text)
    end = 0
    if m:
        yield m
        end = m.end()
    for cand in vocab.scan.finditer(text):
        pos = cand.end()
        if pos < end:  # inside the previous match: finditer would not look here
            continue
        pat = by_char.get(text[pos], full)  # other characters (non-ASCII digits): the full pattern
        m = pat.match(text, pos) if pat is not None else None
        if m:
            yield m
            end = m.end()


def find_timexes(text: str, *, published: dt.date | None = None, vocab: Vocab | None = None,
                 sentence_of=None, kinds: set[str] | None = None, kind_at=None) -> list[tuple]:
    """Find and resolve temporal expressions in `text` -> [(start, end, type, value, mod, sent_start, sent_end)].

    `sentence_of(char) -> (start, end)` gives sentence bounds (default: the whole line); `kind_at(char)` and
    `kinds` restrict matches to blocks of those kinds.
    """
    vocab = vocab or load_vocab()
    cache, lefts = vocab.cache, vocab.left
    out = []
    clocks: list[bool] = []  # whether each row is a bare clock time (its date taken from publication)
    for m in _matches(text, vocab):
        kind = m.lastgroup
        start, end = m.span()
        left = lefts.get(kind)
        # Every left pattern ends in in-line space: without one right before the match there is nothing to extend
        # over, so skip the search.
        if left is not None and start and text[start - 1] in _LEFT_GAP:
            ext = left.search(text, max(0, start - 40), start)
            if ext:
                if kind == "reldate" and ext.group(0).lower().startswith("the"):
                    kind = "durrel"  # "the past week" is a duration, "last week" a date
                start = ext.start()
        if kinds is not None and kind_at is not None and kind_at(start) not in kinds:
            continue
        surface = text[start:end]
        if not _keep(kind, surface, text, start, end, vocab):
            continue
        if sentence_of is not None:
            s0, s1 = sentence_of(start)
        else:
            s0 = text.rfind("\n", 0, start) + 1
            s1 = text.find("\n", end)
            s1 = len(text) if s1 < 0 else s1
        # Surfaces repeat across a corpus ("now", "last week", "Friday"): resolve each (kind, text, date) once, for
        # both directions of time when the kind can depend on it.
        key = (kind, surface, published)
        back_fwd = cache.get(key)
        if back_fwd is None:
            back = resolve(kind, surface, Context(published, -1, vocab))
            fwd = back
            if kind in DIRECTED_KINDS:
                fwd = resolve(kind, surface, Context(published, 1, vocab))
                fwd = back if fwd == back else fwd
            back_fwd = (back, fwd)
            if len(cache) < 200_000:
                cache[key] = back_fwd
        back, fwd = back_fwd
        # Only when the two differ (an unanchored weekday or month) is the sentence's tense read: the cue scan
        # is the costliest step per expression.
        res = back if fwd is back or direction(text, s0, start, end, s1, vocab) < 0 else fwd
        if res is None or not is_valid(res[0], res[1]):  # an impossible day or a year past the calendar
            continue
        out.append((start, end, *res, s0, s1))
        clocks.append(kind == "clock")
    return _relative_to_previous(_anchor_clocks(text, out, clocks), text)


# Between a bare clock time and the date it belongs to: "0300 GMT) on Saturday", "0600 local time (0300 GMT) on".
_CLOCK_TO_DATE = re.compile(r"[\s(),]*(?:on[\s(),]+)?")
_FULL_DATE = re.compile(r"\d{4}-\d\d-\d\d")


_RELATIONAL = re.compile(r"the\s+(previous|following|next)\s+(day|week|month|year)")


def shift_value(ref: dt.date | None, unit: str, step: int) -> str | None:
    """The day, ISO week, month or year `step` units from `ref` -> TIMEX3 value (unknown year digits when no ref)."""
    if ref is None:
        return {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX"}[unit]
    if unit == "day":
        return _date(plus(ref, days=step))
    if unit == "week":
        return _iso_week(plus(ref, weeks=step))
    if unit == "month":
        ym = shift_months(ref, step)
        return ym and f"{ym[0]:04d}-{ym[1]:02d}"
    return year_value(ref.year + step)


_VALUE_AT = {"day": re.compile(r"(\d{4})-(\d\d)-(\d\d)"), "month": re.compile(r"(\d{4})-(\d\d)"),
             "year": re.compile(r"(\d{4})"), "week": re.compile(r"(\d{4})-(\d\d)-(\d\d)")}


def _relative_to_previous(out: list[tuple], text: str) -> list[tuple]:
    """Resolve "the previous day|week|month|year" from the last date of its paragraph written before it ("in 2017,
    up from the previous year" -> 2016), as TimeML does; with none, publication stays the reference."""
    for i, (start, end, typ, value, mod, s0, s1) in enumerate(out):
        rel = _RELATIONAL.fullmatch(text[start:end].lower()) if typ == "DATE" else None
        if rel is None:
            continue
        unit, step = rel.group(2), 1 if rel.group(1) != "previous" else -1
        for j in range(i - 1, -1, -1):
            prev = out[j]
            if "\n" in text[prev[1]:start]:
                break  # the reference is looked for in the same paragraph only
            m = _VALUE_AT[unit].match(prev[3]) if prev[2] in ("DATE", "TIME") else None
            if m is None:
                continue
            try:
                parts = [int(g) for g in m.groups()]
                ref = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
            except ValueError:
                continue
            new = shift_value(ref, unit, step)
            if new and is_valid(typ, new):
                out[i] = (start, end, typ, new, mod, s0, s1)
            break
    return out


def _anchor_clocks(text: str, out: list[tuple], clocks: list[bool]) -> list[tuple]:
    """Give a bare clock time the date of the expression right after it in its sentence ("0600 local time (0300
    GMT) on Saturday" -> both on Saturday's date) instead of the publication date -> the rows, updated."""
    for i in range(len(out) - 2, -1, -1):
        if not clocks[i]:
            continue
        start, end, typ, value, mod, s0, s1 = out[i]
        nxt = out[i + 1]
        if nxt[0] >= s1 or _CLOCK_TO_DATE.fullmatch(text, end, nxt[0]) is None:
            continue
        date = _FULL_DATE.match(nxt[3])
        if date and "T" in value:
            out[i] = (start, end, typ, date.group(0) + value[value.index("T"):], mod, s0, s1)
    return out


def dateline_anchor(doc: Doc, text: str) -> dt.date | None:
    """The day the article's dateline names: set by the annotate run ("wb_dateline", ISO text, "" for none) or
    found here from the Doc's blocks when the component runs alone."""
    stored = doc.user_data.get("wb_dateline")
    if stored is not None:
        return dt.date.fromisoformat(stored) if stored else None
    from .dateline import find_dateline  # dateline reads this module's matcher

    found = find_dateline(text, doc_blocks(doc))
    return found.date if found else None


class TimexTagger:
    """Tag temporal expressions of the configured blocks into `doc.spans[spans_key]` (label = TIMEX3 type).

    Not a SpanRuler: token patterns would visit every token, and resolution needs the match's sentence and the
    publication date anyway; one regex over the text keeps the rules pipeline near tokenisation speed.
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str = SPANS_KEY, overwrite: bool = True,
                 config_path: str | None = None) -> None:
        self.name = name
        self.spans_key = spans_key
        self.overwrite = overwrite
        self.vocab = load_vocab(config_path) if config_path else load_vocab()
        self.kinds = set(self.vocab.cfg.get("blocks", ["headline", "body", "subheading", "caption"]))

    def __call__(self, doc: Doc) -> Doc:
        has_blocks = "wb_blocks" in doc.user_data
        published = doc._.published
        if published is not None and isinstance(published, dt.datetime):
            published = published.date()
        text = doc_text(doc)
        anchor = dateline_anchor(doc, text)
        published = anchor or published  # the article's own dateline dates it before the metadata does
        found = find_timexes(
            text, published=published, vocab=self.vocab,
            sentence_of=lambda c: sentence_bounds(doc, c),
            kinds=self.kinds if has_blocks else None, kind_at=lambda c: block_kind_at(doc, c),
        )
        spans, rows = [], []
        article_id = doc._.article_id
        idx = token_starts(doc)
        if found and len(idx):
            # Token bounds by binary search on the token offsets, all at once: the spans of
            # `doc.char_span(start, end, alignment_mode="expand")` without its per-call cost. An expression starts at
            # a word character, never on a token's trailing space, the one case where "expand" moves the start.
            bounds = np.array([(f[0], f[1] - 1) for f in found], dtype=np.int64)
            first = (np.searchsorted(idx, bounds[:, 0], side="right") - 1).tolist()
            last = np.searchsorted(idx, bounds[:, 1], side="right").tolist()
            for (start, end, typ, value, mod, s0, s1), i, j in zip(found, first, last):
                if i < 0 or text[start].isspace():
                    span = doc.char_span(start, end, label=typ, alignment_mode="expand")
                    if span is None:
                        continue
                else:
                    span = Span(doc, i, j, label=typ)
                spans.append(span)
                rows.append(Timex(article_id, start, end, text[start:end], typ, value, mod, s0, s1))
        if self.overwrite or self.spans_key not in doc.spans:
            doc.spans[self.spans_key] = spans
        else:
            doc.spans[self.spans_key] = list(doc.spans[self.spans_key]) + spans
        doc.user_data[self.spans_key] = rows
        return doc


@Language.factory("wb_timex", assigns=["doc.spans"],
                  default_config={"spans_key": SPANS_KEY, "overwrite": True, "config_path": None})
def make_timex_tagger(nlp: Language, name: str, spans_key: str, overwrite: bool,
                      config_path: str | None) -> TimexTagger:
    """Factory of the temporal-expression tagger (vocabulary from data/timex.yaml unless `config_path`)."""
    return TimexTagger(nlp, name, spans_key=spans_key, overwrite=overwrite, config_path=config_path)


def records(doc: Doc, *, spans_key: str = SPANS_KEY) -> list[dict]:
    """Rows of the `timex` table for one Doc (what wb_timex stored) -> list of column dicts."""
    return [t._asdict() for t in doc.user_data.get(spans_key, [])]
