"""The wb_mentions component: designation terms (codebook) -> doc.spans["wb_mentions"] with the actor they refer to.

`find_mentions(doc, ...)` is the whole of it as a function of the Doc and the codebook: terms found by a
PhraseMatcher built from data/codebook.yaml (`codebook.codebook_to_patterns`, SpanRuler-style patterns), matches that
designate no one dropped and each designation's actor resolved (`designations`). The component only turns its
Mentions into spans (label = canonical term, `id_` = actor id) and rows; `records(doc)` -> rows of the `mentions`
table for headline/body/subheading blocks only (`actor_detail`: the state of OTHER_STATE).
"""
from __future__ import annotations

import bisect
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..blocks import CONTENT_KINDS
from ..config import CODEBOOK_YAML
from .base import (block_kind_at, block_kinds_at, doc_text, in_content, sentence_bounds, sentence_bounds_at,
                   token_lowers, token_starts)
from .codebook import JIHADISTS, UNKNOWN, Codebook, codebook_to_patterns, load_codebook, split_actor
from .designations import Cues, Resolver, Term, descriptive, doc_entities, is_designation
from .spans import longest_matches

SPANS_KEY = "wb_mentions"
ROWS_KEY = "wb_mention_rows"  # doc.user_data: the `mentions` rows, built in the component


class Mention(NamedTuple):
    """A designation found in a Doc: token span, match key (the term's hash), term, actor and the actor's detail."""

    start: int
    end: int
    key: int
    term: str
    actor: str
    actor_detail: str | None
    start_char: int
    block_kind: str | None
    sent_start: int
    sent_end: int


def find_mentions(doc: Doc, matcher: PhraseMatcher, labels: dict[int, str], book: Codebook, cues: Cues) -> list[Mention]:
    """Every designation of a Doc with its actor, in text order (the Doc is not changed) -> list of Mention."""
    matches = longest_matches(matcher(doc))
    if not matches:
        return []
    # Token attributes as lists (numpy scalars index slowly); offsets from the Doc's cached arrays.
    lower = token_lowers(doc).tolist()  # shared with wb_figures
    idx = token_starts(doc).tolist()
    found = [Term(s, e, labels[key], idx[s]) for key, s, e in matches]
    chars = [t.start_char for t in found]
    sents = sentence_bounds_at(doc, chars)
    kinds = block_kinds_at(doc, chars)
    ents, disjoint = doc_entities(doc)
    names = [(e[0], e[1]) for e in ents if e[3] and e[2] != "NORP"]
    names = names if disjoint else _union(names)
    in_name = _inside(found, names)
    in_desc = [False] * len(found)
    if any(in_name):  # few terms sit inside a name: is it one of descriptive words ("Syrian Arab Army")?
        ends = [e for _, e in names]
        for k, inside in enumerate(in_name):
            if inside and descriptive(cues, lower, names[bisect.bisect_right(ends, found[k].start)]):
                in_name[k], in_desc[k] = False, True
    resolver = Resolver(doc, book, cues, lower, idx, ents)
    keep = [k for k, t in enumerate(found) if is_designation(
        cues, resolver, t, in_name[k], sents[k][0], kinds[k], found[k - 1] if k else None, in_desc[k])]
    resolver.set_terms([found[k] for k in keep])
    out = []
    for k in keep:  # left to right, so "regime" is resolved before the "forces" it modifies
        t, sent = found[k], sents[k]
        resolved = resolver.resolve(t, sent)
        resolver.actor_of[t.start] = resolved
        actor, detail = (resolved, None) if ":" not in resolved else split_actor(resolved)
        out.append(Mention(t.start, t.end, matches[k][0], t.label_, actor, detail, t.start_char, kinds[k], *sent))
    return out


class MentionFinder:
    """Find codebook designation terms with a PhraseMatcher, drop non-designations, and resolve each term's actor."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str = SPANS_KEY,
                 codebook_path: str | Path = CODEBOOK_YAML) -> None:
        self.name = name
        self.spans_key = spans_key
        self.codebook_path = Path(codebook_path)
        self.vocab = nlp.vocab
        self.nlp = nlp
        self.initialize(nlp=nlp)

    def initialize(self, get_examples=None, *, nlp: Language | None = None, patterns: list[dict] | None = None) -> None:
        """(Re)load the codebook and its patterns (the given SpanRuler-style patterns, else `codebook_to_patterns`)."""
        self.book = load_codebook(self.codebook_path)
        self.cues = Cues(self.book, self.vocab.strings)
        patterns = patterns if patterns is not None else codebook_to_patterns(self.codebook_path)
        # A bare PhraseMatcher (the SpanRuler's own matcher) rather than SpanRuler.match: that builds, dedupes and
        # sorts a Span per match, which costs as much as tokenising the text at this term density.
        self.matcher = PhraseMatcher(self.vocab, attr="LOWER")
        by_label: dict[str, list[str]] = {}
        for p in patterns:
            by_label.setdefault(p["label"], []).append(p["pattern"])
        for label, phrases in by_label.items():
            self.matcher.add(label, list(self.nlp.tokenizer.pipe(phrases)))
        self.labels = {self.vocab.strings.add(label): label for label in by_label}  # match key -> term
        # actor -> string-store hash (a Span given a hash skips hashing it), added here once: a string first added
        # while a Doc is processed may be transient (spaCy memory zones), so no hash is cached during __call__.
        self.actor_ids = {a: self.vocab.strings.add(a) for a in (*self.book.actors, UNKNOWN, JIHADISTS)}
        self.patterns = list(patterns)

    def __call__(self, doc: Doc) -> Doc:
        found = find_mentions(doc, self.matcher, self.labels, self.book, self.cues)
        actor_ids = self.actor_ids
        text = doc_text(doc)
        aid = doc._.article_id
        out, rows = [], []
        for m in found:
            span = Span(doc, m.start, m.end, label=m.key, span_id=actor_ids.get(m.actor, m.actor))
            out.append(span)
            if m.block_kind in CONTENT_KINDS:
                end_char = span.end_char  # computed by the Span anyway
                rows.append({"article_id": aid, "start": m.start_char, "end": end_char,
                             "surface": text[m.start_char:end_char], "term": m.term, "actor": m.actor,
                             "actor_detail": m.actor_detail, "block_kind": m.block_kind, "sent_start": m.sent_start,
                             "sent_end": m.sent_end})
        doc.spans[self.spans_key] = out
        doc.user_data[ROWS_KEY] = rows
        return doc


def _inside(terms: list[Term], names: list[tuple[int, int]]) -> list[bool]:
    """Whether each term shares a token with one of the names (sorted, disjoint token ranges) -> one flag per term.

    The names' ends are sorted too, so the only name a term can share a token with is the first one ending after the
    term's start.
    """
    name_ends = [e for _, e in names]
    out = []
    for t in terms:
        k = bisect.bisect_right(name_ends, t.start)
        out.append(k < len(names) and names[k][0] < t.end)
    return out


def _union(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges -> the sorted, disjoint ranges covering the same tokens."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


@Language.factory("wb_mentions", assigns=["doc.spans"],
                  default_config={"spans_key": SPANS_KEY, "codebook_path": None})
def make_mention_finder(nlp: Language, name: str, spans_key: str, codebook_path: str | None) -> MentionFinder:
    """Factory: designation finder configured from data/codebook.yaml (unless `codebook_path`) -> MentionFinder."""
    return MentionFinder(nlp, name, spans_key=spans_key, codebook_path=codebook_path or CODEBOOK_YAML)


def records(doc: Doc, *, spans_key: str = SPANS_KEY) -> list[dict]:
    """Rows of the `mentions` table for one Doc: designations in headline, body and subheading blocks only."""
    rows = doc.user_data.get(ROWS_KEY) if spans_key == SPANS_KEY else None
    if rows is not None:  # built by the component while it had the term tuples at hand
        return [dict(r) for r in rows]
    aid = doc._.article_id
    rows = []
    for s in doc.spans.get(spans_key, []):
        if not in_content(doc, s.start_char):
            continue
        sent_start, sent_end = sentence_bounds(doc, s.start_char)
        rows.append({"article_id": aid, "start": s.start_char, "end": s.end_char, "surface": s.text,
                     "term": s.label_, "actor": s.id_ or UNKNOWN, "actor_detail": None,
                     "block_kind": block_kind_at(doc, s.start_char),
                     "sent_start": sent_start, "sent_end": sent_end})
    return rows
