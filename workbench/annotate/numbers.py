"""One number grammar for every component: numbers in digits, words and both ("3,500", "1.2 million",
"twenty-five", "one hundred and twelve", "half a million", "dozens"), from the one vocabulary of data/numbers.yaml.

`load_numbers` compiles the vocabulary into a regex with named groups (`vague`, `frac`/`fmag`, `digits`/`dmag`,
`words`); `match_value` reads a match of it, `parse_number` reads a whole phrase. wb_figures finds numbers with the
regex; wb_timex values the number words of durations and "N days ago" with `parse_number`.

Why hand-written: spaCy's `like_num` flags number tokens but values none, and "one hundred and twelve" spans five
tokens. The grammar is the usual one of English cardinals: units and tens add up, a magnitude below a thousand
("hundred", "dozen") multiplies what comes before it, a magnitude of a thousand or more closes a group.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..config import NUMBERS_YAML
from .base import phrase_trie

DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SPLIT = re.compile(r"[\s-]+")


def key(phrase: str) -> str:
    """A phrase as its vocabulary key: lower case, single spaces."""
    return " ".join(phrase.lower().split())


@dataclass(frozen=True, eq=False)
class Numbers:
    """The number vocabulary of data/numbers.yaml, compiled."""

    words: dict  # every number word (units, tens, magnitudes) -> value
    magnitudes: dict  # magnitude words -> value ("dozen" 12, "hundred" 100, "million" ...)
    vague: dict  # vague magnitudes -> their base ("dozens" 12, "tens of thousands" 10000)
    fractions: dict  # "half" 0.5 ...
    qualifiers: dict  # qualifier phrase -> canonical qualifier
    preposition_after: frozenset
    pattern: str  # the number regex (named groups), case-sensitive lower-case source: compile with re.I or not
    number_re: re.Pattern  # `pattern` compiled case-insensitively


@lru_cache(maxsize=4)
def load_numbers(path: str | Path = NUMBERS_YAML) -> Numbers:
    """Read data/numbers.yaml and compile the number grammar -> Numbers."""
    with open(path, encoding="utf-8") as fh:
        num = yaml.safe_load(fh)
    mags = {key(k): float(v) for k, v in num["magnitudes"].items()}
    words = {key(k): float(v) for k, v in {**num["units"], **num["tens"], **num["magnitudes"]}.items()}
    vague = {key(k): float(v) for k, v in num["vague"].items()}
    fractions = {key(k): float(v) for k, v in num.get("fractions", {}).items()}
    mag = phrase_trie(mags)
    simple = phrase_trie([*num["units"], *num["tens"]])
    wordseq = rf"(?:{simple}|{mag})(?:(?:\s+and\s+|[\s-])(?:{simple}|{mag}))*"
    # A number is followed by no "-x" or ":x" (it is part of a word, code or clock time), no further digit, and
    # no percent sign.
    pattern = (rf"\b(?:(?P<vague>{phrase_trie(vague)})\b"
               rf"|(?:an?\s+)?(?P<frac>{phrase_trie(fractions)})\s+(?:of\s+)?an?\s+(?P<fmag>{mag})\b"
               rf"|(?P<digits>{DIGITS})(?:[\s-]?(?P<dmag>{mag})\b)?"
               rf"|(?:an?\s+(?=(?:{mag})\b))?(?P<words>{wordseq})\b)"
               r"(?![-:/]\w|[.,]?\d|\s*%|\s*per\s*cent)")
    return Numbers(
        words=words, magnitudes=mags, vague=vague, fractions=fractions,
        qualifiers={key(k): v for k, v in num["qualifiers"].items()},
        preposition_after=frozenset(w.lower() for w in num.get("preposition_after", [])),
        pattern=pattern, number_re=re.compile(pattern, re.I),
    )


def small_number_words(nums: Numbers | None = None, limit: float = 100) -> dict[str, float]:
    """Number words worth at most `limit` ("a", "an", "one" ... "ninety", "dozen", "hundred") -> value.

    Durations and ages ("three days", "a dozen years") use these; larger words name counts, not spans of time.
    """
    nums = nums or load_numbers()
    return {"a": 1.0, "an": 1.0, **{w: v for w, v in nums.words.items() if v <= limit}}


def word_value(phrase: str, nums: Numbers | None = None) -> float:
    """A number in words ("two hundred and fifty", "one hundred and twelve", "a dozen", "six") -> its value."""
    nums = nums or load_numbers()
    total = current = 0.0
    for tok in _SPLIT.split(phrase.lower()):
        v = nums.words.get(tok)
        if v is None:
            continue  # "and", "a", "an"
        if tok in nums.magnitudes and v < 1000:
            current = max(current, 1.0) * v  # "two hundred", "a dozen": multiplies what came before
        elif tok in nums.magnitudes:
            total += max(current, 1.0) * v  # "three thousand": closes a group
            current = 0.0
        else:
            current += v  # units and tens add up ("twenty-five", "hundred and twelve")
    return total + current


def match_value(m: re.Match, nums: Numbers | None = None) -> tuple[float, bool]:
    """A match of the number regex -> (value, vague)."""
    nums = nums or load_numbers()
    vague, frac, fmag, digits, dmag, words = m.group("vague", "frac", "fmag", "digits", "dmag", "words")
    if vague:
        return nums.vague[key(vague)], True
    if frac:
        return nums.fractions[key(frac)] * nums.words[fmag.lower()], False
    if digits:
        v = float(digits.replace(",", ""))
        return v * (nums.words[dmag.lower()] if dmag else 1.0), False
    return word_value(words, nums), False


def parse_number(phrase: str, nums: Numbers | None = None) -> float | None:
    """A whole phrase that is one number ("3,500", "1.2 million", "twenty-four", "a dozen") -> value, else None.

    Vague magnitudes ("dozens", "several hundred") give None: they name no value to compute with.
    """
    nums = nums or load_numbers()
    m = nums.number_re.fullmatch(phrase.strip())
    if m is None or m.group("vague"):
        return None
    return match_value(m, nums)[0]
