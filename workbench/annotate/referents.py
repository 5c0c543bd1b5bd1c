"""Who a speaker phrase names: a person's name inside a phrase of titles and roles, the gender a pronoun agrees with.

Pure functions over text and offsets (the quote finder calls them for both pipelines).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

# Subject and possessive pronouns: an object pronoun after a name often is someone else ("Swift accused him").
_PRONOUN = re.compile(r"\b(he|his|himself|she|her|herself)\b", re.I)
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+\Z")
PARTICLES = ("al-", "el-", "bin", "ibn", "abu", "de", "van", "von", "al", "el", "abd")
WINDOW = 250  # how far after a name its pronoun is looked for


def _is_name_word(w: str) -> bool:
    return bool(w) and (w[0].isupper() or w.lower().startswith(PARTICLES))


def name_in_phrase(words: list[str], titles: frozenset[str], not_names: frozenset[str],
                   is_body: Callable[[str], bool]) -> str | None:
    """The person's name in a speaker phrase, titles and roles dropped -> name or None.

    "UN spokesman Jane Doe" and "U.S. Attorney Nealy Cox" -> the name after the titles; "Peter Salama Executive
    Director" and "Rami Abdel Rahman director of" -> the name before them; "envoy to Ukraine Kurt Volker" -> without
    the place; "When Patrick", "Noem later" -> without the clause word.
    """
    runs: list[list[str]] = []
    cur: list[str] = []
    for w in words:
        if _is_name_word(w) and w.lower() not in not_names:
            cur.append(w)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    if not runs:
        return None
    pieces: list[list[str]] = []
    cur = []
    for w in runs[-1]:
        if w in titles:
            if cur:
                pieces.append(cur)
            cur = []
        else:
            cur.append(w)
    if cur:
        pieces.append(cur)
    if not pieces:
        return None
    longer = [p for p in pieces if len(p) >= 2]
    piece = longer[-1] if longer else pieces[-1]
    while len(piece) >= 2 and is_body(piece[0]):  # "Ukraine Kurt Volker", "Britain Liu"
        piece = piece[1:]
    if len(piece) > 5 or not any(ch.isupper() for ch in piece[-1]):  # "al-Faris" is a name, "later" is not
        return None
    return " ".join(piece)


def surname_key(name: str) -> str:
    """The key people are pooled under ("Taylor Swift", "Swift" -> "swift")."""
    return name.split()[-1].lower() if name.split() else ""


def genders(text: str, people: Iterable[tuple[int, int, str]]) -> dict[str, str]:
    """Gender of each person the text names, read from the pronouns that follow their mentions ("Noem said she ...")
    and honorifics ("Ms. Noem") -> {surname key: "m" | "f"} (people with no evidence are left out)."""
    mentions = sorted(people)
    votes: dict[str, Counter] = {}
    for k, (start, end, name) in enumerate(mentions):
        key = surname_key(name)
        stop = mentions[k + 1][0] if k + 1 < len(mentions) else len(text)
        window = text[end:min(stop, end + WINDOW)]
        m = _PRONOUN.search(window)
        if m:
            votes.setdefault(key, Counter())["f" if m.group(1).lower().startswith(("she", "her")) else "m"] += 1
        hon = _HONORIFIC.search(text, max(0, start - 6), start)
        if hon:
            votes.setdefault(key, Counter())["m" if hon.group(1) == "Mr" else "f"] += 2
    return {k: c.most_common(1)[0][0] for k, c in votes.items() if len(c) == 1 or c.most_common(2)[0][1] >
            c.most_common(2)[1][1]}


def pronoun_gender(pronoun: str) -> str | None:
    """"she"/"her" -> "f", "he"/"him" -> "m", else None."""
    low = pronoun.lower()
    return "f" if low in ("she", "her") else "m" if low in ("he", "him") else None
