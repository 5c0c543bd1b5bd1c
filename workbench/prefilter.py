"""Cheap necessary conditions for a regex to match, read off the parsed pattern.

Block cues are dozens of small regexes tried on every line, and nearly every line matches none of them. Most cues
contain literal text that any match must include ("newsletter", "(c)", "reporting by") or must start with when
anchored by "^"; testing for that text with `str` methods is several times cheaper than running the regex.

`prefilter(pattern)` -> Prefilter(prefixes, needles) such that whenever `pattern.search(text)` matches:
  - `text.startswith(prefixes)` if `prefixes` is not None, and
  - for every clause in `needles`, some string of the clause occurs in `text`.
So a text failing either test cannot match and the regex need not run. The conditions are derived from the parse
tree (`re._parser`, the parser `re.compile` itself uses) and only from parts that match literally: any construct
not understood here (classes with ranges, case-insensitive letters, back-references, lookarounds, ...) only ends a
literal run and adds no condition, so the result is correct by construction, never merely on the cues at hand.
"""
from __future__ import annotations

import re
from itertools import product
from typing import NamedTuple

try:  # Python >= 3.11
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

# A literal run is tracked as the set of strings it can match; beyond this many alternatives it is cut in two
# (each part is still a required substring), which keeps the cross products and the per-line checks small.
MAX_STRINGS = 16
# Small character classes (e.g. "[-/.]") are literal alternatives; large ones are treated as unknown.
MAX_CLASS_CHARS = 8
# How many needle clauses a cue keeps: the most selective ones; more would cost more than they save.
MAX_CLAUSES = 2

_REPEATS = tuple(getattr(C, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(C, n))
_START_ANCHORS = (C.AT_BEGINNING, C.AT_BEGINNING_STRING)


class Prefilter(NamedTuple):
    """Necessary conditions for a match (see module doc)."""

    prefixes: tuple[str, ...] | None
    needles: tuple[tuple[str, ...], ...]

    def admits(self, text: str) -> bool:
        """False only if the regex cannot match `text` (reference form of the test; callers may inline it)."""
        if self.prefixes is not None and not text.startswith(self.prefixes):
            return False
        return all(any(n in text for n in clause) for clause in self.needles)


def _cross(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None or b is None or len(a) * len(b) > MAX_STRINGS:
        return None
    return frozenset(x + y for x, y in product(a, b))


def _node_exact(op, av, flags: int) -> frozenset[str] | None:
    """The set of strings one parse node can match, if it is small and matched case-exactly; else None."""
    if op is C.LITERAL:
        return None if flags & re.IGNORECASE else frozenset([chr(av)])
    if op is C.IN:
        if flags & re.IGNORECASE or len(av) > MAX_CLASS_CHARS or any(o is not C.LITERAL for o, _ in av):
            return None  # NEGATE, RANGE, CATEGORY or too many characters
        return frozenset(chr(c) for _, c in av)
    if op is C.AT:
        return frozenset([""])  # zero-width: adds nothing to the matched text
    if op is C.SUBPATTERN:
        _group, add, remove, items = av
        return _seq_exact(items, (flags | add) & ~remove)
    if op is C.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            e = _seq_exact(alt, flags)
            if e is None:
                return None
            out |= e
        return frozenset(out) if len(out) <= MAX_STRINGS else None
    if op in _REPEATS:
        lo, hi, items = av
        e = _seq_exact(items, flags)
        if e is None or (lo, hi) not in ((0, 1), (1, 1)):
            return None
        return e | {""} if lo == 0 else e
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _seq_exact(av, flags)
    return None  # ANY, NOT_LITERAL, GROUPREF, ASSERT, ...: not a finite literal


def _seq_exact(items, flags: int) -> frozenset[str] | None:
    acc: frozenset[str] | None = frozenset([""])
    for op, av in items:
        acc = _cross(acc, _node_exact(op, av, flags))
        if acc is None:
            return None
    return acc


def _minimal_needles(strings) -> frozenset[str]:
    # A string that contains another member adds nothing: finding the shorter one is already required.
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


def _minimal_prefixes(strings) -> frozenset[str]:
    return frozenset(s for s in strings if not any(t != s and s.startswith(t) for t in strings))


def _seq_clauses(items, flags: int) -> list[frozenset[str]]:
    """Clauses (sets of strings, one of which must occur in any match) of a sequence of parse nodes."""
    clauses: list[frozenset[str]] = []
    run: frozenset[str] = frozenset([""])  # the literal run so far: the match contains one of these, contiguously

    def flush() -> None:
        if "" not in run:
            clauses.append(_minimal_needles(run))

    for op, av in items:
        e = _node_exact(op, av, flags)
        joined = _cross(run, e)
        if joined is not None:
            run = joined
            continue
        flush()
        if e is not None:  # too many alternatives: start a new run here
            run = e
        else:
            run = frozenset([""])
            clauses.extend(_node_clauses(op, av, flags))
    flush()
    return clauses


def _node_clauses(op, av, flags: int) -> list[frozenset[str]]:
    if op is C.SUBPATTERN:
        _group, add, remove, items = av
        return _seq_clauses(items, (flags | add) & ~remove)
    if op in _REPEATS:
        lo, _hi, items = av
        return _seq_clauses(items, flags) if lo >= 1 else []
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _seq_clauses(av, flags)
    if op is C.BRANCH:
        # Whichever alternative matches contributes its own needles: the union of one clause per alternative.
        union: set[str] = set()
        for alt in av[1]:
            alt_clauses = _seq_clauses(alt, flags)
            if not alt_clauses:
                return []
            union |= _best(alt_clauses)
        return [_minimal_needles(union)] if len(union) <= MAX_STRINGS else []
    return []


def _seq_prefixes(items, flags: int) -> frozenset[str]:
    """Strings one of which starts every match of the sequence ({""} when nothing is known)."""
    acc = frozenset([""])
    for op, av in items:
        e = _node_exact(op, av, flags)
        joined = _cross(acc, e)
        if joined is not None:
            acc = joined
            continue
        if e is None:  # look inside the node for how it starts
            joined = _cross(acc, _node_prefixes(op, av, flags))
            if joined is not None:
                acc = joined
        return acc
    return acc


def _node_prefixes(op, av, flags: int) -> frozenset[str]:
    if op is C.SUBPATTERN:
        _group, add, remove, items = av
        return _seq_prefixes(items, (flags | add) & ~remove)
    if op in _REPEATS:
        lo, _hi, items = av
        return _seq_prefixes(items, flags) if lo >= 1 else frozenset([""])
    if op is C.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            out |= _seq_prefixes(alt, flags)
        return frozenset(out) if len(out) <= MAX_STRINGS else frozenset([""])
    return frozenset([""])


def _score(clause: frozenset[str]) -> tuple[int, int]:
    # Longer needles are rarer in text, but past a few characters all are rare: then fewer needles (cheaper) win.
    return (min(6, min(map(len, clause))), -len(clause))


def _common_substring(strings: frozenset[str]) -> str:
    """The longest string contained in all of `strings` ("" if none)."""
    first = min(strings, key=len)
    for size in range(len(first), 0, -1):
        for i in range(len(first) - size + 1):
            sub = first[i : i + size]
            if all(sub in s for s in strings):
                return sub
    return ""


def _best(clauses: list[frozenset[str]]) -> frozenset[str]:
    return max(clauses, key=_score)


def prefilter(pattern: re.Pattern[str]) -> Prefilter:
    """Necessary conditions for `pattern.search(text)` to match (see module doc) -> Prefilter."""
    tree = P.parse(pattern.pattern, pattern.flags)
    flags = tree.state.flags
    items = list(tree)
    prefixes = None
    if _anchored(items, flags):
        starts = _minimal_prefixes(_seq_prefixes(items[1:], flags))
        prefixes = None if "" in starts else tuple(sorted(starts))
    clauses = set(_seq_clauses(items, flags))
    # Text common to all needles of a clause is itself required, and one needle is cheaper to test than several.
    clauses |= {frozenset([c]) for c in map(_common_substring, list(clauses)) if c}
    kept: list[frozenset[str]] = []
    for clause in sorted(clauses, key=_score, reverse=True):
        if len(kept) < MAX_CLAUSES and not _implied(clause, prefixes or (), kept):
            kept.append(clause)
    kept.sort(key=len)  # test the cheaper clause first
    return Prefilter(prefixes, tuple(tuple(sorted(c)) for c in kept))


def _implied(clause: frozenset[str], prefixes: tuple[str, ...], kept: list[frozenset[str]]) -> bool:
    """True if passing the prefix test or a kept clause already guarantees `clause` (it would test nothing new)."""
    if prefixes and all(any(n in p for n in clause) for p in prefixes):
        return True
    return any(all(any(n in k for n in clause) for k in other) for other in kept)


def anchored_at_start(pattern: re.Pattern[str]) -> bool:
    """True if `pattern` can match only at the start of the text ("^" without MULTILINE, or "\\A")."""
    tree = P.parse(pattern.pattern, pattern.flags)
    return _anchored(list(tree), tree.state.flags)


def _anchored(items, flags: int) -> bool:
    return bool(items) and items[0][0] is C.AT and items[0][1] in _START_ANCHORS and not (
        items[0][1] is C.AT_BEGINNING and flags & re.MULTILINE
    )
