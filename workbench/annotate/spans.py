"""Span helpers shared by the components: matcher output -> non-overlapping matches, character offsets -> Spans.

`longest_matches` (wb_entities, wb_mentions) keeps spaCy's `filter_spans` policy on plain match tuples;
`token_spans` (wb_figures, wb_quotes) turns character offsets into Spans without `Doc.char_span`'s per-call checks.
"""
from __future__ import annotations

from operator import itemgetter

import numpy as np
from spacy.tokens import Doc, Span

from .base import doc_text, token_starts

_START = itemgetter(1)


def _longest_first(cluster: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The `filter_spans` policy on a few matches: longest first, then leftmost; keep what overlaps nothing kept."""
    taken: set[int] = set()
    keep = []
    for m in sorted(cluster, key=lambda m: (m[1] - m[2], m[1])):
        if taken.isdisjoint(range(m[1], m[2])):
            keep.append(m)
            taken.update(range(m[1], m[2]))
    keep.sort(key=_START)
    return keep


def longest_matches(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Matcher output (key, start, end) -> non-overlapping matches, longest first then leftmost, sorted by start.

    Same policy as `spacy.util.filter_spans`, on tuples. Matches that overlap nothing are kept as they are, so the
    policy runs only on each run of overlapping matches (a match never competes with one outside its run): one
    sweep by start with the run's furthest end instead of a set test per token of every match. Ties (same start and
    length) keep the input order, as the stable sorts of `filter_spans` do.
    """
    out: list[tuple[int, int, int]] = []
    run: list[tuple[int, int, int]] = []
    end = -1
    for m in sorted(matches, key=_START):  # matcher output is sorted by start already: a linear-time sort
        if m[1] >= end:  # starts after every match of the current run: the run is complete
            if len(run) == 1:
                out.append(run[0])
            elif run:
                out += _longest_first(run)
            run = [m]
            end = m[2]
        else:
            run.append(m)
            if m[2] > end:
                end = m[2]
    if len(run) == 1:
        out.append(run[0])
    elif run:
        out += _longest_first(run)
    return out


def token_spans(doc: Doc, items: list[tuple[int, int, str]]) -> list[Span]:
    """(start char, end char, label) items -> Spans over the tokens they touch (char_span "expand" semantics).

    Why not `doc.char_span`: it builds Token objects for its checks on every call. A token owns the characters
    from its start to the next token's start (its trailing space included), so a binary search on the cached
    token offsets finds the same tokens; only a start falling inside a token needs that token's length.
    """
    if not items:
        return []
    idx = token_starts(doc)
    n_chars = len(doc_text(doc))
    first = (np.searchsorted(idx, [s for s, _, _ in items], side="right") - 1).tolist()
    last = (np.searchsorted(idx, [e - 1 for _, e, _ in items], side="right") - 1).tolist()
    spans = []
    for (s, e, label), a, b in zip(items, first, last):
        if a < 0 or b < 0 or s >= n_chars or e - 1 >= n_chars:
            continue  # char_span finds no token for a character outside the text
        if s != idx[a] and s == idx[a] + len(doc[a]):
            a += 1  # the start is the token's trailing space: the span begins with the next token
        spans.append(Span(doc, a, b + 1, label=label))
    return spans
