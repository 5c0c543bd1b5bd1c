"""Who speaks a quotation, read from the dependency parse (statistical pipelines; `rules` keeps the patterns).

The speech verb is the one that governs the quoted words (`"...," said X`, `X said "..."`, `the statement said the
truce aimed "to stabilize ..."`, `X was quoted as saying "..."`) or, failing that, the nearest speech verb of the
quote's sentence outside it. Its subject becomes the speaker phrase: a named entity when the subject is or holds
one (appositives and titles aside: "Rami Abdel Rahman director of the Observatory" -> "Rami Abdel Rahman"), a
pronoun, or the noun phrase ("the ministry", "one user"), which `quotes.resolve` then canonicalises (back-references,
bodies, titles). Input: a parsed Doc and character offsets; output: character offsets, nothing stored.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from .referents import genders as read_genders, pronoun_gender, surname_key

SUBJECTS = ("nsubj", "nsubjpass")
# Dependents kept in a speaker noun phrase ("the UN's envoy", "one Twitter user"): never clauses or prepositions.
NP_DEPS = ("det", "amod", "compound", "poss", "case", "nummod", "nmod", "quantmod")
NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP", "FAC")
# How far up from the quoted words the governing speech verb may be ("said that X would "...""): a few clauses.
MAX_CLIMB = 4
# How many sentences about the same "she" a pronoun speaker may look back over for her name.
MAX_BACK_SENTENCES = 3
# How many sentences back "the statement" or "they" may find the body that issued it.
MAX_BODY_SENTENCES = 10


def has_parse(doc: Doc) -> bool:
    """Whether the Doc carries a dependency parse (statistical pipelines) -> bool."""
    return doc.has_annotation("DEP")


def _inside(tok: Token, spans: list[tuple[int, int]]) -> bool:
    return any(s <= tok.idx < e for s, e in spans)


def _entity(doc: Doc, tok: Token) -> Span | None:
    ent = doc[tok.i:tok.i + 1].ents
    if tok.ent_type_ in NAME_LABELS:
        for e in doc.ents:
            if e.start <= tok.i < e.end:
                return e
    return ent[0] if ent and ent[0].label_ in NAME_LABELS else None


def _phrase(doc: Doc, head: Token) -> tuple[int, int]:
    """The noun phrase of `head` without clauses, prepositions or appositives -> character offsets."""
    left = head
    for child in head.lefts:
        if child.dep_ in NP_DEPS:
            left = min(left, child.left_edge, key=lambda t: t.i)
    return doc[left.i].idx, head.idx + len(head.text)


def speaker_phrase(doc: Doc, subj: Token, cues=None) -> tuple[int, int]:
    """The speaker words of a subject token: its name (entity) if it is, holds or is in apposition with one, else
    its noun phrase -> character offsets."""
    ent = _entity(doc, subj)
    if ent is not None:
        return ent.start_char, ent.end_char
    low = subj.lower_
    if cues is not None and (low in ("it", "they") or low in cues.document_nouns or low in cues.generic_bodies):
        body = _body_named_before(doc, subj, cues)
        if body is not None:
            return body
    if subj.pos_ == "PRON":
        named = _subject_named_before(doc, subj)
        return (named.start_char, named.end_char) if named is not None else (subj.idx, subj.idx + len(subj.text))
    # "Rami Abdel Rahman director of ...": the name is a compound of the role noun heading the subject.
    for child in subj.lefts:
        if child.dep_ == "compound":
            ent = _entity(doc, child)
            if ent is not None and ent.label_ == "PERSON":
                return ent.start_char, ent.end_char
    # "the commander, Cheuk Hau-yip, said": a name in apposition names the speaker.
    for child in subj.rights:
        if child.dep_ == "appos":
            ent = _entity(doc, child)
            if ent is not None and ent.label_ in ("PERSON", "ORG"):
                return ent.start_char, ent.end_char
    return _phrase(doc, subj)


def _subject_named_before(doc: Doc, pron: Token) -> Span | None:
    """The person a "he"/"she" speaker refers to when the parse shows it: the named subject of its own sentence
    before it, else of the sentence before ("Yet Sondland has amended his testimony -- "...," he said"), of the
    pronoun's gender when the text shows one; None to leave the pronoun to the article-wide rules."""
    gender = pronoun_gender(pron.lower_)
    if gender is None:
        return None
    genders = doc.user_data.get("wb_genders")
    if genders is None:
        people = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ == "PERSON"]
        genders = doc.user_data["wb_genders"] = read_genders(doc.text, people)
    sent = pron.sent
    scope = doc[sent.start:pron.i]
    for _ in range(MAX_BACK_SENTENCES + 1):
        subjects = [t for t in scope if t.dep_ in SUBJECTS]
        for tok in subjects:
            ent = _entity(doc, tok)
            if ent is not None and ent.label_ == "PERSON" \
                    and genders.get(surname_key(ent.text), gender) == gender:
                return ent
        # "She claimed ... “...,” she said": a sentence about the same pronoun passes the search further back.
        if not any(pronoun_gender(t.lower_) == gender for t in subjects) or scope.start == 0:
            return None
        scope = doc[scope.start - 1].sent
    return None


def _body_named_before(doc: Doc, subj: Token, cues) -> tuple[int, int] | None:
    """The body that "it", "they", "the statement" or "the company" stands for: the nearest named organisation (an
    entity, or a proper-noun phrase the model did not tag) that says or issues something in the sentences before
    ("Big Machine Records issued a statement ... the statement read") -> character offsets or None."""
    acts = cues.verb_words | cues.issue_words
    sent = subj.sent
    for _ in range(MAX_BODY_SENTENCES):
        if sent.start == 0:
            return None
        sent = doc[sent.start - 1].sent
        for tok in sent:
            if tok.dep_ not in SUBJECTS or tok.head.lower_ not in acts:
                continue
            ent = _entity(doc, tok)
            if ent is not None and ent.label_ == "ORG":
                return ent.start_char, ent.end_char
            if ent is None and tok.pos_ == "PROPN":
                return _phrase(doc, tok)
    return None


def _subject(verb: Token, verbs: frozenset[str]) -> Token | None:
    """The subject of a speech verb, inherited through coordination and participles ("X said ... and added")."""
    tok = verb
    for _ in range(3):
        if tok.lower_ == "saying" and tok.head.lower_ == "as" and tok.head.head.lemma_ == "quote":
            quoted = tok.head.head  # "quoted a source as saying" -> the source; "X was quoted as saying" -> X
            obj = next((c for c in quoted.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj
            tok = quoted
        subj = next((c for c in tok.children if c.dep_ in SUBJECTS), None)
        if subj is not None:
            return subj
        if tok.dep_ in ("conj", "advcl", "xcomp", "pcomp") and tok.head is not tok:
            head = tok.head
            if head.lower_ not in verbs and head.lemma_ != "quote":
                # "The truce aimed ..., the statement said, urging X to "...": the participle belongs to the
                # inserted speech verb, not to the clause it hangs from.
                inserted = next((c for c in head.children if c.lower_ in verbs and c is not tok
                                 and any(g.dep_ in SUBJECTS for g in c.children)), None)
                return _subject(inserted, verbs) if inserted is not None else None
            tok = head
            continue
        return None
    return None


def _according_to(tok: Token) -> Token | None:
    """"according to X" -> X."""
    if tok.lower_ != "according":
        return None
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    return next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None


def attribution(doc: Doc, start: int, end: int, cues, quoted: list[tuple[int, int]],
                bounds: tuple[int, int]) -> tuple[int, int] | None:
    """The speaker phrase of the quotation text[start:end] from the parse -> character offsets, or None.

    `cues`: the QuoteCues (speech verbs `verb_words`, `issue_words`, `document_nouns`, `generic_bodies`);
    `quoted`: every quotation's (start, end), whose words never speak; `bounds`: where the attribution may stand.
    """
    verbs = cues.verb_words
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    outside = [(bounds[0], start), (end, bounds[1])]

    def usable(tok: Token) -> bool:
        return bounds[0] <= tok.idx < bounds[1] and not _inside(tok, quoted)

    # 1. A speech verb governing the quoted words (climbing a few heads from the words whose head is outside).
    for tok in span:
        head, steps = tok.head, 0
        if _inside(head, [(start, end)]):
            continue
        while steps < MAX_CLIMB and usable(head):
            if head.lower_ in verbs:
                subj = _subject(head, verbs)
                if subj is not None and usable(subj):
                    return speaker_phrase(doc, subj, cues)
            obj = _according_to(head)
            if obj is not None and usable(obj):
                return speaker_phrase(doc, obj, cues)
            if head.head is head:
                break
            head, steps = head.head, steps + 1
    # 2. The nearest speech verb of the sentences the quote touches, outside every quotation: after it, then before.
    sents = {doc[span.start].sent, doc[span.end - 1].sent}
    cands = []
    for sent in sents:
        for tok in sent:
            if usable(tok) and any(a <= tok.idx < b for a, b in outside):
                if tok.lower_ in verbs or tok.lower_ == "according":
                    dist = tok.idx - end if tok.idx >= end else start - tok.idx + 10_000  # prefer after
                    cands.append((dist, tok.i))
    for _, i in sorted(cands):
        tok = doc[i]
        subj = _according_to(tok) if tok.lower_ == "according" else _subject(tok, verbs)
        if subj is not None and usable(subj):
            return speaker_phrase(doc, subj, cues)
    return None
