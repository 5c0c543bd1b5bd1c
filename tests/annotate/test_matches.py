"""`longest_matches` (wb_entities, wb_mentions) keeps the `filter_spans` policy; cached token offsets are exact."""
from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Span
from spacy.util import filter_spans

from workbench.annotate.base import token_starts
from workbench.annotate.spans import longest_matches


def longest_matches_reference(matches):
    """The policy as first written: longest first, then leftmost; a set test per token of every match."""
    taken: set[int] = set()
    keep = []
    for key, start, end in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
        if not any(i in taken for i in range(start, end)):
            keep.append((key, start, end))
            taken.update(range(start, end))
    return sorted(keep, key=lambda m: m[1])


@st.composite
def matcher_output(draw):
    """(key, start, end) triples as a matcher returns them: sorted by start, duplicates and nesting allowed."""
    n = draw(st.integers(0, 30))
    triples = [(draw(st.integers(0, 3)), s, s + draw(st.integers(1, 6)))
               for s in (draw(st.integers(0, 25)) for _ in range(n))]
    return sorted(triples, key=lambda m: m[1]) if draw(st.booleans()) else triples


@settings(max_examples=400, deadline=None)
@given(matcher_output())
def test_longest_matches_equals_the_reference_policy(matches):
    assert longest_matches(matches) == longest_matches_reference(matches)


_NLP = spacy.blank("en")
_DOC = _NLP.make_doc(" ".join(["w"] * 40))


@settings(max_examples=200, deadline=None)
@given(matcher_output())
def test_longest_matches_equals_filter_spans(matches):
    spans = [Span(_DOC, s, e, label=str(k)) for k, s, e in matches]
    assert longest_matches(matches) == [(int(s.label_), s.start, s.end) for s in filter_spans(spans)]


@given(st.text(alphabet="ab \n’é🙂-.", max_size=60))
def test_token_starts_match_the_tokens(text):
    doc = _NLP.make_doc(text)
    assert token_starts(doc).tolist() == [t.idx for t in doc]
