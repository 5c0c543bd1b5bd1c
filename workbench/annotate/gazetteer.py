"""The gazetteer (data/gazetteer.csv): names of people, organisations and places -> canonical name, label, actor.

`lookup(surface)` folds spelling variants (case, accents, hyphens vs spaces, "al-" particles, doubled letters,
possessive "'s", a leading "the") so "Deir ez-Zor", "Deir ezZor" and "deir ez zor" meet one entry.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..config import GAZETTEER_CSV

LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC")


class GazEntry(NamedTuple):
    """One canonical gazetteer entry: its name, entity label and actor id ("" when it is not a party)."""

    canonical: str
    label: str
    actor: str


class GazRow(NamedTuple):
    """One row of gazetteer.csv: a surface variant and the entry it names."""

    name: str
    canonical: str
    label: str
    actor: str
    kind: str


_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})
_POSSESSIVE = re.compile(r"'s?$")
_SEP = re.compile(r"[\s\-_.']+")
_PARTICLES = frozenset({"al", "el", "ul", "ad", "as", "ar", "ash", "az"})
_LEAD = frozenset({"the"})
_DOUBLE = re.compile(r"(.)\1+")


def fold(surface: str) -> str:
    """A name as written -> its folding key (variants of one name share a key).

    Doubled letters collapse ("Hammam"/"Hamam" -> "hamam", "Assaad" -> "asad") because transliterations of
    Arabic names disagree mostly on vowel length and gemination; particles such as "al-" drop anywhere.
    """
    s = unicodedata.normalize("NFKD", surface.translate(_APOS))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().strip()
    s = _POSSESSIVE.sub("", s)
    words = [w for w in _SEP.split(s) if w]
    while words and words[0] in _LEAD:
        words = words[1:]
    kept = [w for w in words if w not in _PARTICLES] or words
    return _DOUBLE.sub(r"\1", " ".join(kept))


def acronym_key(surface: str) -> str | None:
    """An all-capitals short name ("UN", "U.N.", "HTS's") -> its letters ("UN"), else None (not an acronym)."""
    s = _POSSESSIVE.sub("", surface.translate(_APOS).strip())
    letters = "".join(c for c in s if c.isalpha())
    if 1 < len(letters) <= 5 and letters.isupper() and " " not in s:
        return letters
    return None


def read_rows(path: str | Path = GAZETTEER_CSV) -> list[GazRow]:
    """Read gazetteer.csv (columns name, canonical, label, actor[, kind]) -> list of GazRow (file order)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            GazRow(r["name"].strip(), (r.get("canonical") or r["name"]).strip(), r["label"].strip(),
                   (r.get("actor") or "").strip(), (r.get("kind") or "").strip())
            for r in csv.DictReader(fh) if r.get("name", "").strip()
        ]


class Gazetteer:
    """Folded name -> GazEntry index, plus a surname index for people named by their last name only."""

    def __init__(self, rows: list[GazRow]) -> None:
        self.rows = rows
        self.index: dict[str, GazEntry] = {}
        # Acronyms match case-sensitively: "IS" and "US" are names, "is" and "us" are words.
        self.acronyms: dict[str, GazEntry] = {}
        for r in rows:
            entry = GazEntry(r.canonical, r.label, r.actor)
            acro = acronym_key(r.name)
            if acro:
                self.acronyms.setdefault(acro, entry)
            else:
                self.index.setdefault(fold(r.name), entry)
        surnames: dict[str, set[GazEntry]] = {}
        for entry in self.index.values():
            if entry.label == "PERSON":
                last = fold(entry.canonical).split()[-1]
                surnames.setdefault(last, set()).add(entry)
        # A surname shared by two people (the Assad brothers) names neither: only unique surnames resolve.
        self.surnames = {k: next(iter(v)) for k, v in surnames.items() if len(v) == 1}

    def lookup(self, surface: str) -> GazEntry | None:
        """A name as written ("Colonel Ahmed Haddad", "Deir ez Zor") -> GazEntry, or None if unknown."""
        acro = acronym_key(surface)
        if acro:
            return self.acronyms.get(acro)
        key = fold(surface)
        if not key:
            return None
        hit = self.index.get(key)
        if hit is not None:
            return hit
        words = key.split()
        # Titles and roles in front of a person's name ("Foreign Minister Sergey Lavrov"): try shorter tails,
        # but accept only people so "Reconciliation Centre for Syria" never falls back to the country.
        for i in range(1, len(words)):
            hit = self.index.get(" ".join(words[i:]))
            if hit is not None and hit.label == "PERSON":
                return hit
        return self.surnames.get(key) if len(words) == 1 else None


@lru_cache(maxsize=8)
def load_gazetteer(path: str | Path = GAZETTEER_CSV) -> Gazetteer:
    """Load and index gazetteer.csv (cached per path) -> Gazetteer."""
    return Gazetteer(read_rows(path))


def lookup(surface: str, *, path: str | Path = GAZETTEER_CSV) -> GazEntry | None:
    """A name as written -> GazEntry(canonical, label, actor) from the default gazetteer, or None."""
    return load_gazetteer(path).lookup(surface)
