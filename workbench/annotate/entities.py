"""The wb_entities component: gazetteer names (and a statistical model's `doc.ents`) -> doc.spans["wb_entities"].

Each span has label = PERSON/ORG/GPE/NORP/LOC/FAC, `kb_id_` = canonical gazetteer name ("" if unknown) and
`id_` = actor id ("" if the entity is no party to the conflict). `records(doc)` -> rows of the `entities` table.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..config import GAZETTEER_CSV
from .base import doc_text, token_starts
from .gazetteer import GazRow, acronym_key, load_gazetteer, read_rows
from .spans import longest_matches

SPANS_KEY = "wb_entities"
ROWS_KEY = "wb_entity_rows"  # doc.user_data: [(start token, end token, label, canonical, actor)]
CHARS_KEY = "wb_entity_chars"  # doc.user_data: ([start char], [end char]), one of each per row
MODEL_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_PARTICLE = re.compile(r"\b([Aa][lr])-(?=\w)")


def name_variants(name: str) -> list[str]:
    """A gazetteer name -> the spellings to match literally ("al-Numan" also as "al Numan"; case folds anyway)."""
    out = [name]
    spaced = _PARTICLE.sub(r"\1 ", name)
    if spaced != name:
        out.append(spaced)
    for a, b in (("’", "'"), ("'", "’")):
        if a in name:
            out.append(name.replace(a, b))
    return out


def gazetteer_patterns(rows: Iterable[GazRow]) -> list[dict]:
    """Gazetteer rows -> SpanRuler-style phrase patterns (label = entity label, id = canonical name).

    Acronyms are flagged `case_sensitive` ("US" is a name, "us" a word) and go to a phrase matcher on ORTH; every
    other name is matched on lower-cased tokens.
    """
    patterns = []
    for r in rows:
        for v in name_variants(r.name):
            patterns.append({"label": r.label, "id": r.canonical, "pattern": v, "case_sensitive": bool(acronym_key(v))})
    return patterns


class EntityFinder:
    """Gazetteer matches via phrase matchers (+ the model's entities when a model ran first), canonicalised."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str = SPANS_KEY,
                 gazetteer_path: str | Path = GAZETTEER_CSV, use_model_ents: bool = True) -> None:
        self.name = name
        self.nlp = nlp
        self.spans_key = spans_key
        self.use_model_ents = use_model_ents
        self.gazetteer_path = Path(gazetteer_path)
        self.initialize(nlp=nlp)

    def initialize(self, get_examples=None, *, nlp: Language | None = None, patterns: list[dict] | None = None) -> None:
        """(Re)load patterns: the given SpanRuler-style ones, else those built from the gazetteer file."""
        rows = read_rows(self.gazetteer_path)
        self.gazetteer = load_gazetteer(self.gazetteer_path)
        patterns = patterns if patterns is not None else gazetteer_patterns(rows)
        # match key (string-store hash, as the matchers return it) -> (label, canonical, actor), and the same three
        # as hashes: a Span given hashes skips hashing each string again.
        self.entries: dict[int, tuple[str, str, str]] = {}
        self.entry_ids: dict[int, tuple[int, int, int]] = {}
        strings = self.nlp.vocab.strings
        actors = {r.canonical: r.actor for r in rows}
        # Two bare PhraseMatchers (what SpanRuler wraps) on LOWER and ORTH: SpanRuler.match builds, dedupes and sorts a
        # Span per match and a token Matcher for the acronyms cost more than tokenising the text.
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.orth = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        groups: dict[tuple[str, bool], list[str]] = {}
        for p in patterns:
            key = f"{p['label']}|{p['id']}"
            entry = (p["label"], p["id"], actors.get(p["id"], ""))
            self.entries[strings.add(key)] = entry
            self.entry_ids[strings.add(key)] = tuple(strings.add(v) for v in entry)
            groups.setdefault((key, bool(p.get("case_sensitive"))), []).append(p["pattern"])
        for (key, case), phrases in groups.items():
            (self.orth if case else self.lower).add(key, list(self.nlp.tokenizer.pipe(phrases)))

    def _model_spans(self, doc: Doc, taken: set[int]) -> list[tuple[int, int, str, str, str]]:
        out = []
        for ent in doc.ents:
            if ent.label_ not in MODEL_LABELS:
                continue
            start, end = ent.start, ent.end
            while end > start and doc[end - 1].is_space:  # the model sometimes takes the newline after a name
                end -= 1
            if end == start or any(i in taken for i in range(start, end)):
                continue  # gazetteer names win: they carry the canonical name and actor
            hit = self.gazetteer.lookup(doc[start:end].text)
            out.append((start, end, ent.label_, "", "") if hit is None else
                       (start, end, hit.label, hit.canonical, hit.actor))
        return out

    def __call__(self, doc: Doc) -> Doc:
        matches = longest_matches(self.lower(doc) + _unshouted(doc, self.orth(doc)))
        entries = self.entries
        found = [(s, e) + entries[k] for k, s, e in matches]
        if self.use_model_ents and doc.has_annotation("ENT_IOB"):
            taken = {i for r in found for i in range(r[0], r[1])}
            found = sorted(found + self._model_spans(doc, taken))
            spans = [Span(doc, s, e, label=lab, kb_id=can, span_id=act) for s, e, lab, can, act in found]
        else:
            ids = self.entry_ids
            spans = []
            for k, s, e in matches:
                lab, can, act = ids[k]
                spans.append(Span(doc, s, e, label=lab, kb_id=can, span_id=act))
        doc.spans[self.spans_key] = spans
        # Plain copies for later components and records: iterating a SpanGroup rebuilds a Span object per item. The
        # character offsets are read off the Spans just built (they compute them anyway) rather than per Token later,
        # kept as two lists of ints: no tuple per entity for the garbage collector to count.
        doc.user_data[ROWS_KEY] = found
        doc.user_data[CHARS_KEY] = ([sp.start_char for sp in spans], [sp.end_char for sp in spans])
        return doc


def _shouted(text: str, pos: int) -> bool:
    """Whether the line around `pos` is written in capitals ("WHO IS TO BLAME FOR IDLIB?")."""
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    words = [w for w in text[a:b if b >= 0 else len(text)].split() if sum(c.isalpha() for c in w) > 1]
    caps = sum(w.isupper() for w in words)
    return caps >= 3 and caps >= 0.8 * len(words)


def _unshouted(doc: Doc, matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Case-sensitive acronym matches minus common words in a line of capitals ("IS", "US", "WHO" in a headline).

    An acronym that is no English word ("HTS", "SDF") still counts there: shouting only hides the case of words.
    """
    if not matches:
        return matches
    text = doc_text(doc)
    idx = token_starts(doc)
    out = []
    for m in matches:
        a = int(idx[m[1]])
        b = int(idx[m[2] - 1]) + len(doc[m[2] - 1])
        if text[a:b].lower() in STOP_WORDS and _shouted(text, a):
            continue
        out.append(m)
    return out


@Language.factory("wb_entities", assigns=["doc.spans"],
                  default_config={"spans_key": SPANS_KEY, "gazetteer_path": None, "use_model_ents": True})
def make_entity_finder(nlp: Language, name: str, spans_key: str, gazetteer_path: str | None,
                       use_model_ents: bool) -> EntityFinder:
    """Factory: gazetteer (data/gazetteer.csv unless `gazetteer_path`) + model entities -> EntityFinder."""
    return EntityFinder(nlp, name, spans_key=spans_key, gazetteer_path=gazetteer_path or GAZETTEER_CSV,
                        use_model_ents=use_model_ents)


def entity_rows(doc: Doc, spans_key: str = SPANS_KEY) -> tuple[list[tuple], tuple[list[int], list[int]]]:
    """A Doc's entities as plain rows (start token, end token, label, canonical, actor) and their (start chars,
    end chars): wb_entities' own copies when it ran, else read off the span group."""
    rows = doc.user_data.get(ROWS_KEY) if spans_key == SPANS_KEY else None
    chars = doc.user_data.get(CHARS_KEY) if rows is not None else None
    if rows is None or chars is None:
        spans = list(doc.spans.get(spans_key, []))
        rows = [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in spans]
        chars = ([s.start_char for s in spans], [s.end_char for s in spans])
    return rows, chars


def records(doc: Doc, *, spans_key: str = SPANS_KEY) -> list[dict]:
    """Rows of the `entities` table (every block) for one Doc."""
    aid = doc._.article_id
    text = doc_text(doc)
    rows, chars = entity_rows(doc, spans_key)
    out = []
    for start, end, (_, _, label, canonical, actor) in zip(*chars, rows):
        out.append({"article_id": aid, "start": start, "end": end, "text": text[start:end], "label": label,
                    "canonical": canonical or None, "actor": actor or None})
    return out
