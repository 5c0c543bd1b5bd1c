"""The wb_quotes component: direct quotations and who spoke them -> doc.spans["wb_quotes"], rows of `quotes`.

Rules (CODEBOOK "Quotes"): text between “ ”, " " or « » with at least `min_words` words, in any block; an opening
mark never closed runs to the end of its paragraph, a closing mark never opened starts at its paragraph's start.
The speaker comes from the words around the quote ("..., X said" / "X said: ..." / "according to X"), is
canonicalised through the gazetteer, and back-references ("the statement said", "the source added", "he said")
resolve to the last issuing body, source or person of the article. A quote with no attribution of its own
continues the previous quote of its paragraph (interrupted quotes) or of the paragraph it continues.

All matching is regexes over `doc.text` with work proportional to the quote marks found, so the rules pipeline
stays near the speed of bare tokenisation; the same rules run on both pipelines so their rows agree.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml
from rapidfuzz import fuzz
from spacy.language import Language
from spacy.tokens import Doc

from ..config import VOCAB_DIR
from ..blocks import CONTENT_KINDS
from .base import block_kind_at, doc_blocks, doc_lower, doc_text, phrase_trie

from .entities import entity_rows
from .referents import genders as read_genders, name_in_phrase, pronoun_gender, surname_key
from .speakers import attribution, has_parse
from .sentences import sentence_starts
from .spans import token_spans

QUOTES_YAML = VOCAB_DIR / "quotes.yaml"
SPANS_KEY = "wb_quotes"
# Attribution verbs further than this many words after a closing mark belong to another clause.
MAX_AFTER_WORDS = 12
# A speaker phrase longer than this is a clause, not a name.
MAX_SPEAKER_WORDS = 10
# A paragraph that is one unattributed quotation continues the speaker of a quote at most this many paragraphs up.
CONTINUED_PARAGRAPHS = 3
# An unclosed quote runs to its paragraph's end unless that holds more sentences than this (then: one sentence).
UNCLOSED_SENTENCES = 2
_PUNCT_STRIP = " \t\u00a0,;:.–—-()[]\"“”«»'‘’"

class Quote(NamedTuple):
    """A row of the `quotes` table."""

    article_id: str
    start: int
    end: int
    text: str
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    block_kind: str | None

class Piece(NamedTuple):
    """Quoted text inside one paragraph: mark positions (-1 when the mark is missing) and the words between."""

    open_mark: int
    start: int
    end: int
    close_mark: int
    para: int

class Speaker(NamedTuple):
    """A resolved speaker: canonical name (None = names nobody) and where the text names it."""

    name: str | None
    start: int | None
    end: int | None

def _words(items: list[str]) -> frozenset[str]:
    return frozenset(str(w) for w in items)

def _alternation(phrases: list[str]) -> str:
    """Phrases -> a regex alternation (longest match first, spaces matching any whitespace), prefix-factored."""
    return phrase_trie(phrases)

@dataclass(frozen=True)
class QuoteCues:
    """Quote marks and attribution vocabulary from data/quotes.yaml, compiled."""

    openers: frozenset[str]
    closers: frozenset[str]
    double_closers: tuple[str, ...]
    marks: tuple[str, ...]
    min_words: int
    verb_re: re.Pattern
    according_re: re.Pattern
    verb_lower_re: re.Pattern
    according_lower_re: re.Pattern
    object_only: frozenset[str]
    document_nouns: frozenset[str]
    issued_by_re: re.Pattern
    source_nouns: frozenset[str]
    indefinite_source_re: re.Pattern
    nobody: frozenset[str]
    pronouns: frozenset[str]
    titles: frozenset[str]
    not_subject: frozenset[str]
    determiners: frozenset[str]
    org_words: frozenset[str]
    person_roles: frozenset[str]
    body_pronouns: frozenset[str]
    verb_words: frozenset[str] = frozenset()  # one-word speech verbs, lower-case (the parse's look-up)
    issue_re: re.Pattern = re.compile(r"(?!)")  # "... issued a statement": a body acting through a document
    issue_words: frozenset[str] = frozenset()
    document_pronouns: frozenset[str] = frozenset()
    generic_bodies: frozenset[str] = frozenset()
    aliases: dict = field(default_factory=dict)

@lru_cache(maxsize=4)
def load_cues(path: str | Path = QUOTES_YAML) -> QuoteCues:
    """Read and compile data/quotes.yaml -> QuoteCues."""
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    marks = cfg["marks"]
    all_marks = [*marks["open"], *marks["close"], *marks["straight"]]
    return QuoteCues(
        openers=_words(marks["open"]),
        closers=_words(marks["close"]),
        double_closers=tuple(str(m) for m in marks["close"] if len(str(m)) > 1),
        # Each mark character once, plus the two-character closers ("’’" in wire copy) found as one mark.
        marks=tuple(dict.fromkeys([*"".join(str(m) for m in all_marks if len(str(m)) == 1),
                                   *(str(m) for m in all_marks if len(str(m)) > 1)])),
        min_words=int(cfg.get("min_words", 4)),
        verb_re=re.compile(r"\b(?:" + _alternation(cfg["speech_verbs"]) + r")\b", re.I),
        according_re=re.compile(r"\b(?:" + _alternation(cfg["according_to"]) + r")\b", re.I),
        # Exact-case twins for scanning a lower-cased text: re.I over long alternations is several times slower.
        verb_lower_re=re.compile(r"\b(?:" + _alternation([str(v).lower() for v in cfg["speech_verbs"]]) + r")\b"),
        according_lower_re=re.compile(r"\b(?:" + _alternation([str(v).lower() for v in cfg["according_to"]]) + r")\b"),
        object_only=_words(cfg.get("object_only_verbs", [])),
        document_nouns=_words(cfg.get("document_nouns", [])),
        issued_by_re=re.compile(r"\s(?:" + _alternation(cfg.get("issued_by", [])) + r")\s+(.+)$", re.I),
        source_nouns=_words(cfg.get("source_nouns", [])),
        # "a Syrian military source": an article, up to three modifiers, a source noun (group 1 without the article).
        indefinite_source_re=re.compile(r"\b(?:[Aa]n?|[Oo]ne)\s+((?:[\w'’-]+\s+){0,3}?(?:"
                                        + _alternation(cfg.get("source_nouns", [])) + r"))\b"),
        nobody=_words(cfg.get("nobody", [])),
        pronouns=_words(cfg.get("person_pronouns", [])),
        titles=_words(cfg.get("titles", [])),
        not_subject=_words(cfg.get("not_subject_start", [])),
        determiners=_words(cfg.get("determiners", [])),
        org_words=_words(cfg.get("org_words", [])),
        person_roles=_words(cfg.get("person_roles", [])),
        body_pronouns=_words(cfg.get("body_pronouns", [])),
        verb_words=frozenset(str(v).lower() for v in cfg["speech_verbs"] if " " not in str(v)),
        document_pronouns=_words(cfg.get("document_pronouns", [])),
        issue_words=frozenset(str(v).lower() for v in cfg.get("issue_verbs", []) if " " not in str(v)),
        issue_re=re.compile(r"\W+(?:\w+\W+){0,3}?(?:" + _alternation(cfg.get("issue_verbs", [])) + r")\b", re.I),
        generic_bodies=_words(cfg.get("generic_bodies", [])),
        aliases=dict(cfg.get("speaker_aliases") or {}),
    )

@lru_cache(maxsize=1)
def _gazetteer_lookup():
    """The gazetteer's `lookup` if the module is importable, else a stub returning None."""
    try:
        from .gazetteer import lookup
    except Exception:  # the gazetteer is optional: speakers then keep their written form
        return lambda surface: None
    return lookup

@lru_cache(maxsize=8192)  # speaker phrases repeat across articles; folding a name is the costly part
def gazetteer_lookup(surface: str):
    """A name as written -> GazEntry(canonical, label, actor) or None (never raises)."""
    try:
        return _gazetteer_lookup()(surface)
    except Exception:
        return None

# ---------------------------------------------------------------------------------------------- pairing marks

def paragraphs(doc: Doc) -> list[tuple[int, int]]:
    """Paragraph bounds of a Doc: its blocks when wb_blocks ran, else its non-blank lines -> [(start, end)]."""
    blocks = doc_blocks(doc)
    if blocks:
        return [(b.start, b.end) for b in blocks]
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", doc_text(doc))]

def _role(text: str, i: int, ps: int, pe: int, is_open: bool, cues: QuoteCues) -> str:
    """Whether the mark at `i` opens or closes a quote, from the mark and the characters around it."""
    ch = text[i]
    if any(text.startswith(c, i) for c in cues.double_closers):
        return "close"
    prev = text[i - 1] if i > ps else " "
    nxt = text[i + 1] if i + 1 < pe else " "
    left_open = prev.isspace() or prev in "([{—–-/:"
    right_open = not nxt.isspace() and nxt not in ".,;:!?)]}"
    if ch in cues.openers:
        return "close" if is_open and not left_open and not right_open else "open"
    if ch in cues.closers:
        return "open" if not is_open and left_open and right_open else "close"
    if left_open and right_open:
        return "open"
    if not left_open and not right_open:
        return "close"
    return "close" if is_open else "open"

def mark_positions(text: str, marks: tuple[str, ...]) -> list[int]:
    """Offsets of every quote mark in `text`, sorted.

    Why `str.find` per mark: it searches with a vectorised C loop, several times faster than a regex character
    class stepping through the text, and quote marks are rare.
    """
    out: list[int] = []
    for mark in marks:
        i = text.find(mark)
        while i >= 0:
            out.append(i)
            i = text.find(mark, i + len(mark))
    out.sort()
    return out

def pair_marks(text: str, paras: list[tuple[int, int]], cues: QuoteCues) -> list[Piece]:
    """Pair quote marks paragraph by paragraph -> every quoted Piece, scare quotes included, in text order."""
    pieces: list[Piece] = []
    marks = mark_positions(text, cues.marks)  # most paragraphs hold no marks
    starts = [ps for ps, _ in paras]
    by_para: dict[int, list[int]] = {}
    for i in marks:
        pi = bisect.bisect_right(starts, i) - 1
        if pi >= 0 and i < paras[pi][1]:
            by_para.setdefault(pi, []).append(i)
    for pi, found in by_para.items():
        ps, pe = paras[pi]
        open_at = None
        for i in found:
            if _role(text, i, ps, pe, open_at is not None, cues) == "open":
                if open_at is not None:  # opened twice: the first quote ran up to the second mark
                    pieces.append(Piece(open_at, open_at + 1, i, -1, pi))
                open_at = i
            elif open_at is not None:
                pieces.append(Piece(open_at, open_at + 1, i, i, pi))
                open_at = None
            else:
                pieces.append(Piece(-1, ps, i, i, pi))
        if open_at is not None:
            pieces.append(Piece(open_at, open_at + 1, pe, -1, pi))
    out = []
    for p in pieces:
        s, e = p.start, p.end
        if p.open_mark < 0:
            while s < e and text[s].isspace():
                s += 1
        if p.close_mark < 0:
            if p.open_mark >= 0:
                # A mark never closed holds one short paragraph at most: past two sentences it ends at its own
                # sentence (one-paragraph articles would otherwise be swallowed whole).
                starts = sentence_starts(text[s:e])
                if len(starts) >= UNCLOSED_SENTENCES:
                    e = s + starts[0]
            while e > s and text[e - 1].isspace():
                e -= 1
        out.append(Piece(p.open_mark, s, e, p.close_mark, p.para))
    return out

def is_quote(text: str, piece: Piece, cues: QuoteCues) -> bool:
    """A piece long enough to be a quotation rather than a scare quote -> bool."""
    # Splitting at most min_words - 1 times counts words up to min_words without splitting a long quote whole.
    return len(text[piece.start:piece.end].split(None, cues.min_words - 1)) >= cues.min_words

# --------------------------------------------------------------------------------------- finding the speaker

@dataclass
class Memory:
    """What an article has named so far: the referents of "the statement", "the source", "he"."""

    last_body: Speaker | None = None
    last_person: Speaker | None = None
    last_source: Speaker | None = None
    sources: dict[str, Speaker] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)  # surname (lower) -> canonical full name
    bodies: list[Speaker] = field(default_factory=list)
    # People the article names outside quotes, (start char, name) in text order: "he told reporters" may refer to
    # someone named in reported speech ("the minister said Ankara would ...") rather than to an earlier quote's speaker.
    named_people: list[tuple[int, str]] | None = None
    find_people: Callable[[], list[tuple[int, str]]] | None = None
    # Unnamed sources introduced outside quotes ("A military source told SANA that ..."), (start, key, name): the
    # referents of a later "the source said".
    named_sources: list[tuple[int, str, str]] | None = None
    named_bodies: list[tuple[int, str, str]] | None = None
    find_bodies: Callable[[], list[tuple[int, str, str]]] | None = None
    # Finding those scans the whole text, so it runs only when a quote says "the source" (few articles do).
    find_sources: Callable[[], list[tuple[int, str, str]]] | None = None

    all_people: list[tuple[int, int, str]] | None = None
    find_everyone: Callable[[], list[tuple[int, int, str]]] | None = None
    genders: dict[str, str] | None = None
    text: str = ""
    find_places: Callable[[], frozenset[str]] | None = None
    place_words: frozenset[str] | None = None

    def places(self) -> frozenset[str]:
        """Lower-cased one-word places, peoples and bodies the article names ("Ukraine" in "envoy to Ukraine Kurt
        Volker" is no part of his name), found on first use."""
        if self.place_words is None:
            self.place_words = self.find_places() if self.find_places else frozenset()
        return self.place_words

    def everyone(self) -> list[tuple[int, int, str]]:
        """Every person named outside quotes, (start, end, name), found on first use."""
        if self.all_people is None:
            self.all_people = self.find_everyone() if self.find_everyone else []
        return self.all_people

    def gender_of(self) -> dict[str, str]:
        """Surname key -> "m" | "f" for the people the text shows a gender for (computed on first use)."""
        if self.genders is None:
            self.genders = read_genders(self.text, self.everyone())
        return self.genders

    def people_named(self) -> list[tuple[int, str]]:
        """The people named outside quotes, found on first use (only a pronoun speaker needs them)."""
        if self.named_people is None:
            self.named_people = self.find_people() if self.find_people else []
        return self.named_people

    def bodies_named(self) -> list[tuple[int, str, str]]:
        """Organisations named outside quotes, (start, surface, canonical), found on first use."""
        if self.named_bodies is None:
            self.named_bodies = self.find_bodies() if self.find_bodies else []
        return self.named_bodies

    def sources_named(self) -> list[tuple[int, str, str]]:
        """The unnamed sources introduced outside quotes, found on first use."""
        if self.named_sources is None:
            self.named_sources = self.find_sources() if self.find_sources else []
        return self.named_sources

_SEGMENT = re.compile(r"[^,;:—–()\[\]]+")
# Compiled once: these run per quote or per speaker phrase.
_THAT = re.compile(r"\s(?:that|as)\s")
_DOCUMENT_CUT = re.compile(r"\s+(?:in|on|via)\s+(?:a|an|the|its|his|her|their)\s+(\w+)\b.*$")
_PREPOSITION = re.compile(r"\s(?:in|of|for|at|from|with|on|to)\s")
_NON_SPACE = re.compile(r"\S")
# "obtained by Variety, claimed", "told Fox News": an agent or a recipient, not the body that speaks.
_AFTER_PREPOSITION = re.compile(r"\b(?:by|to|told|with|from|for)\s+(?:the\s+)?\Z", re.I)
_NAME_THEN_ROLE = re.compile(r"(.+?)\s+(?:a|an)\s+\S")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’-]+(?:\s+(?:(?:of|for|the|and)\s+)*[A-Z][\w'’-]+)+")
_AGE_NOUN = re.compile(r"\d+-year-old|[a-z]+-year-old")

def _segments(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Comma/dash/bracket-separated pieces of text[s:e], whitespace trimmed -> [(start, end)] (non-empty)."""
    out = []
    for m in _SEGMENT.finditer(text, s, e):
        a, b = m.start(), m.end()
        while a < b and text[a] in _PUNCT_STRIP:
            a += 1
        while b > a and text[b - 1] in _PUNCT_STRIP:
            b -= 1
        if b > a:
            out.append((a, b))
    return out

def _valid_subject(text: str, seg: tuple[int, int], cues: QuoteCues) -> bool:
    words = text[seg[0]:seg[1]].split()
    if not 0 < len(words) <= MAX_SPEAKER_WORDS:
        return False
    first = words[0]
    # "..., speaking on condition of anonymity, said": a participle clause is never the subject.
    return first.lower() not in cues.not_subject and not (first.islower() and first.endswith("ing"))

def _pick_subject(text: str, segs: list[tuple[int, int]], cues: QuoteCues, *, last: bool) -> tuple[int, int] | None:
    """The subject among the segments before a verb: the nearest valid one, but a name before an appositive."""
    valid = [s for s in segs if _valid_subject(text, s, cues)]
    if not valid:
        return None
    if not last:
        return valid[0]
    seg = valid[-1]
    # "Haddad, a commander in the group, told": an indefinite appositive follows the name it describes.
    indefinite = text[seg[0]:seg[1]].split()[0].lower() in ("a", "an")
    if len(valid) >= 2 and indefinite and segs.index(valid[-2]) == segs.index(seg) - 1:
        return valid[-2]
    return seg

def _sentence_start(text: str, s: int, e: int) -> int:
    """The start of the last sentence beginning inside text[s:e] (or s)."""
    starts = sentence_starts(text[s:e])
    return s + starts[-1] if starts else s

# "state media quoted a military source as saying": the one quoted speaks ("X was quoted by Y as saying" is left to
# the subject rule, which finds X before "was").
_QUOTED_AS = re.compile(r"\bquoted\s+(?!by\b)((?:[\w'’-]+\s+){0,8}?[\w'’-]+)\s+as\s+saying\b", re.I)

def after_attribution(text: str, piece: Piece, ctx_end: int, cues: QuoteCues, *,
                      lower: str | None = None) -> tuple[int, int] | None:
    """The speaker phrase after a closing mark ("..., X said" / "..., said X") -> (start, end) or None."""
    s = piece.close_mark + 1
    if piece.close_mark < 0 or s >= ctx_end:
        return None
    inner = text[piece.close_mark - 1] if piece.close_mark > 0 else ""
    if inner in ".!?":
        nxt = _NON_SPACE.search(text, s, ctx_end)
        if nxt is None or text[nxt.start()].isupper():
            return None  # the quote ended its sentence: what follows is a new one
    end = ctx_end
    starts = sentence_starts(text[s:ctx_end])
    if starts:
        end = s + starts[0]
    verbs = cues.verb_lower_re.finditer(lower, s, end) if lower else cues.verb_re.finditer(text, s, end)
    acc = (cues.according_lower_re if lower else cues.according_re).search(lower or text, s, end)
    if acc is not None and not text[s:acc.start()].strip(_PUNCT_STRIP):  # "...”, according to X."
        segs = _segments(text, acc.end(), end)
        return segs[0] if segs and _valid_subject(text, segs[0], cues) else None
    # '..." state television quoted a military source as saying': the one quoted speaks, not the one quoting.
    quoted_as = _QUOTED_AS.search(text, s, end) if "quoted" in (lower or text)[s:end] else None
    if quoted_as is not None and len(text[s:quoted_as.start()].split()) <= MAX_AFTER_WORDS:
        return quoted_as.span(1)
    for v in verbs:
        if len(text[s:v.start()].split()) > MAX_AFTER_WORDS:
            return None
        verb = v.group(0).lower()
        if verb in cues.object_only:
            continue
        if not text[s:v.start()].strip(_PUNCT_STRIP):  # inverted: "..., said Rami X, director of ..."
            segs = _segments(text, v.end(), end)
            return segs[0] if segs and _valid_subject(text, segs[0], cues) else None
        return _pick_subject(text, _segments(text, s, v.start()), cues, last=False)
    return None

def before_attribution(text: str, piece: Piece, ctx_start: int, cues: QuoteCues, *,
                       lower: str | None = None) -> tuple[int, int] | None:
    """The speaker phrase before an opening mark ("X said: ...", "according to X, ...") -> (start, end) or None."""
    if piece.open_mark < 0:
        return None
    e = piece.open_mark
    s = _sentence_start(text, ctx_start, e)
    if lower:
        acc, verbs = cues.according_lower_re.finditer(lower, s, e), cues.verb_lower_re.finditer(lower, s, e)
    else:
        acc, verbs = cues.according_re.finditer(text, s, e), cues.verb_re.finditer(text, s, e)
    cands = [(m.start(), m.end(), "acc") for m in acc]
    cands += [(m.start(), m.end(), m.group(0).lower()) for m in verbs]
    if (lower.find("quoted", s, e) >= 0) if lower else "quoted" in text.lower()[s:e]:
        cands += [(m.start(1), m.end(1), "quoted") for m in _QUOTED_AS.finditer(text, s, e)]
    for a, b, kind in sorted(cands, reverse=True):
        if kind == "quoted":
            return (a, b)
        if kind == "acc":
            segs = _segments(text, b, e)
            if segs:
                seg = segs[0]
                phrase = text[seg[0]:seg[1]]
                that = _THAT.search(phrase)
                return (seg[0], seg[0] + that.start()) if that else seg
            continue
        if kind.endswith("ing"):
            continue  # a participle ("..., urging X to") shares the subject of the clause's main verb
        seg = _pick_subject(text, _segments(text, s, a), cues, last=True)
        if seg is not None:
            return seg
    # Headline style: "Erdogan: “Turkey will respond”" (a short name and a colon right before the quote).
    lead = text[s:e].rstrip()
    if lead.endswith(":") and 0 < len(lead[:-1].split()) <= 5 and lead[:1].isupper():
        seg = _segments(text, s, s + len(lead) - 1)
        return seg[-1] if seg and _valid_subject(text, seg[-1], cues) else None
    return None

# --------------------------------------------------------------------------------------- canonical speakers

def _strip_det(words: list[str], cues: QuoteCues) -> list[str]:
    while words and words[0].lower() in cues.determiners:
        words = words[1:]
    return words

def _alias(name: str, cues: QuoteCues) -> str:
    return cues.aliases.get(name, name)

def _singular(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun

def person_name(phrase: str, cues: QuoteCues, places: frozenset[str] = frozenset()) -> str | None:
    """A phrase naming a person ("Turkey's Foreign Minister Mevlut X") -> the name without titles, or None."""
    words = phrase.split()
    for i, w in enumerate(words):  # "Turkey's Foreign Minister ...": the name follows the possessive
        if w.endswith(("'s", "’s")):
            words = words[i + 1:]
            break

    def is_body(word: str) -> bool:
        if word.lower() in places:
            return True
        hit = gazetteer_lookup(word)
        return hit is not None and hit.label in ("GPE", "ORG", "NORP")

    return name_in_phrase(words, cues.titles, cues.not_subject | cues.determiners, is_body)

def _earlier_full_name(text: str, surname: str, before: int, cues: QuoteCues) -> str | None:
    """The last full name ending in `surname` written before `before` ("Colonel Jane X ... X said") -> name."""
    pat = re.compile(r"((?:(?:[A-Z]\.|[A-Z][\w'’-]+)[ \t]+){1,3})" + re.escape(surname) + r"\b(,?[ \t]+(?:Jr|Sr)\.)?")
    found = None
    # The last full name before the quote, else the first one after it ("Clarke said ... NASA's Steve Clarke").
    for m in [*pat.finditer(text, 0, before), *list(pat.finditer(text, before))[:1]]:
        firsts = [w for w in m.group(1).split() if w not in cues.titles and not w.endswith(("'s", "’s"))
                  and w.lower() not in cues.not_subject and w.lower() not in cues.determiners]
        if firsts:
            found = " ".join([*firsts[-2:], surname]) + (m.group(2) or "")
            if m.start() >= before:
                break
    return found

def resolve(text: str, span: tuple[int, int] | None, mem: Memory, cues: QuoteCues) -> Speaker:
    """A speaker phrase -> Speaker(canonical or None, start, end), updating the article's Memory."""
    if span is None:
        return Speaker(None, None, None)
    s, e = span
    phrase = text[s:e].strip(_PUNCT_STRIP)
    s = text.find(phrase, s) if phrase else s
    e = s + len(phrase)
    # "X said in a statement": the document is how X spoke, not who.
    cut = _DOCUMENT_CUT.search(phrase)
    if cut and cut.group(1).lower() in cues.document_nouns:
        phrase = phrase[:cut.start()]
        e = s + len(phrase)
    else:
        cut = None
    words = _strip_det(phrase.split(), cues)
    if not words:
        return Speaker(None, None, None)
    core = " ".join(words)
    cs = s + phrase.find(words[0])
    ce = cs + len(core)
    low = core.lower()
    lone_word = len(words) == 1 and words[0].endswith(("ing", "ly")) and gazetteer_lookup(words[0]) is None
    if low in cues.nobody or lone_word:
        return Speaker(None, None, None)  # "Speaking to reporters", "Critically, ...": a verb or adverb never speaks
    if low in cues.pronouns:
        name = _person_before(mem, cs, pronoun_gender(low))
        return Speaker(name, cs, ce) if name else Speaker(None, None, None)
    if low in cues.body_pronouns or (low in cues.document_pronouns and cut is not None):
        # "it said", "they said in a statement": the body that spoke or was named last.
        body = _latest_body(mem, cs)
        return Speaker(body, cs, ce) if body else Speaker(None, None, None)
    hit = gazetteer_lookup(core)
    if hit is not None and hit.label in ("PERSON", "ORG", "GPE"):
        return _remember(mem, Speaker(_alias(hit.canonical, cues), cs, ce), hit.label, cues)
    for i in range(1, len(words) - 1):  # "Britain-based Syrian Observatory for ...": a known body after modifiers
        if words[i].lower() in cues.determiners:
            continue
        tail = " ".join(words[i:])
        hit = gazetteer_lookup(tail)
        if hit is not None and hit.label in ("PERSON", "ORG"):
            ts = cs + core.find(tail)
            return _remember(mem, Speaker(_alias(hit.canonical, cues), ts, ts + len(tail)), hit.label, cues)
    doc_at = _document_head(words, cues)
    if doc_at is not None:
        tail = " ".join(words[doc_at:])
        issuer = cues.issued_by_re.search(tail)
        if issuer:
            off = core.find(issuer.group(1), core.find(tail))
            return resolve(text, (cs + off, cs + off + len(issuer.group(1))), mem, cues)
        mods = [w for w in words[:doc_at] if w[0].isupper()]
        if mods:
            off = core.find(mods[0])
            return resolve(text, (cs + off, cs + off + len(" ".join(mods))), mem, cues)
        body = _latest_body(mem, cs)
        return Speaker(body, cs, ce) if body else Speaker(None, cs, ce)
    # Cut trailing prepositional phrases ("commander in the group", "Centre for Syria") unless the gazetteer
    # knows the longer name.
    prep = _PREPOSITION.search(core)
    core2 = core[:prep.start()] if prep else core
    w2 = core2.split()
    head2 = w2[-1].lower()
    appos = _NAME_THEN_ROLE.match(core2)
    if appos and person_name(appos.group(1), cues, mem.places()):
        # "Abu Shadi al-Hamwi a local media activist" (no commas): the name, not the role after it.
        return resolve(text, (cs, cs + appos.end(1)), mem, cues)
    if _ACRONYM.fullmatch(core2) and gazetteer_lookup(core2) is None:
        full = _spelled_out(text, core2, cs)
        if full:  # "the IDA said" after "the Independent Doctors Association": the body's name
            return _remember(mem, Speaker(full, cs, ce), "ORG", cues)
    if head2 in cues.source_nouns:
        definite = phrase.split()[0].lower() in ("the", "this", "that", "these", "those")
        key = _singular(head2)
        if definite and len(w2) <= 2:
            prior = _source_before(mem, key, cs)
            if prior is None and key in cues.person_roles:
                prior = mem.last_person
            if prior is not None:
                return Speaker(prior.name, cs, ce)
        spk = Speaker(_common_case(core2), cs, cs + len(core2))
        mem.sources[key] = spk
        mem.last_source = spk
        return spk
    definite = phrase.split()[0].lower() in ("the", "this", "that") or phrase.split()[0].endswith(("'s", "’s"))
    if definite and (head2 in cues.person_roles or _AGE_NOUN.fullmatch(head2)):
        # "added the UNICEF director", "the 56-year-old said": the person named before in that role.
        name = _person_before(mem, cs, None)
        if name:
            return Speaker(name, cs, ce)
    if definite and head2 in cues.generic_bodies:  # "the production company said": the body named before
        body = _latest_body(mem, cs)
        if body:
            return Speaker(body, cs, ce)
    if any(w in cues.org_words for w in w2):
        return _remember(mem, Speaker(_alias(core, cues), cs, ce), "ORG", cues)
    if head2.capitalize() in cues.org_words:
        # "the ministry said": the body named before whose name holds that word (as a speaker or anywhere in the
        # text: "the Russian Centre for Reconciliation ... said Friday"), else the word itself.
        prior = next((b for b in reversed(mem.bodies) if b.name and head2 in b.name.lower()), None)
        named = _body_before(mem, head2, cs)
        if named is not None and (prior is None or prior.start is None or named[0] > prior.start):
            return Speaker(named[1], cs, ce)
        return Speaker(prior.name, cs, ce) if prior else _remember(mem, Speaker(core2, cs, ce), "ORG", cues)
    name = person_name(core2, cues, mem.places())
    if name:
        if " " not in name:
            full = (mem.persons.get(name.lower()) or _fuzzy_person(name, mem) or _named_in_full(mem, name, cues)
                    or _earlier_full_name(text, name, s, cues))
            if full and " " in full:  # "envoy to Ukraine Kurt Volker" written before: without the place
                full = person_name(full, cues, mem.places()) or full
            name = full or name
        hit = gazetteer_lookup(name)
        if hit is not None and hit.label == "PERSON":
            name = hit.canonical
        return _remember(mem, Speaker(_alias(name, cues), cs, cs + len(core2)), "PERSON", cues)
    if len(w2) <= 6 and w2[0][0].isupper():
        return _remember(mem, Speaker(_alias(core2, cues), cs, cs + len(core2)), "ORG", cues)
    return Speaker(None, None, None)

def _person_before(mem: Memory, pos: int, gender: str | None) -> str | None:
    """The person a pronoun at `pos` refers back to: whoever was named last as a speaker or as the subject of a speech
    verb, else anyone named, of the pronoun's gender when the text shows it ("she said" never goes to a man)."""
    genders = mem.gender_of()

    def agrees(name: str | None) -> bool:
        return gender is None or genders.get(surname_key(name or ""), gender) == gender

    last = mem.last_person
    people = mem.people_named()
    i = bisect.bisect_left(people, (pos,)) - 1
    cand = None
    if i >= 0 and (last is None or last.start is None or people[i][0] > last.start):
        cand = people[i][1]
    elif last is not None:
        cand = last.name
    if cand is not None and agrees(cand):
        return cand
    before = [name for start, _end, name in reversed(mem.everyone()) if start < pos]
    if gender is not None:  # someone the text shows to be of that gender first, then anyone not shown otherwise
        known = [n for n in before if genders.get(surname_key(n)) == gender]
        if known:
            before = known
    before = [n for n in before if agrees(n)]
    if not before:
        return None
    # The person the article is about so far (named most often), the latest named on a tie.
    counts = Counter(surname_key(n) for n in before)
    return max(before, key=lambda n: counts[surname_key(n)])

def _spelled_out(text: str, acronym: str, before: int) -> str | None:
    """The name an acronym abbreviates, written out before it ("Independent Doctors Association" for IDA)."""
    found = None
    for m in _CAPITALISED_RUN.finditer(text, 0, before):
        words = [w for w in m.group(0).split() if w.lower() not in ("of", "for", "the", "and")]
        if "".join(w[0] for w in words).upper() == acronym:
            found = re.sub(r"^(?:The|the)\s+", "", m.group(0))
    return found


def _named_in_full(mem: Memory, surname: str, cues: QuoteCues) -> str | None:
    """The full name of a person the article names in its text ("Kristi Noem" for "Noem") -> name or None."""
    for _start, _end, name in mem.everyone():
        words = name.split()
        if len(words) >= 2 and words[-1] == surname:
            clean = person_name(name, cues, mem.places())
            if clean and " " in clean:
                return clean
    return None


def _latest_body(mem: Memory, pos: int) -> str | None:
    """The organisation that spoke last or was named last outside quotes before `pos` -> name or None."""
    last = mem.last_body
    named = [b for b in mem.bodies_named() if b[0] < pos]
    if named and (last is None or last.start is None or named[-1][0] > last.start):
        return named[-1][2]
    return last.name if last else None

def _body_before(mem: Memory, word: str, pos: int) -> tuple[int, str] | None:
    """The latest organisation named outside quotes before `pos` whose name (as written or canonical) holds `word`."""
    for start, surface, name in reversed(mem.bodies_named()):
        if start < pos and (word in surface.lower() or word in name.lower()):
            return start, name
    return None

def _source_before(mem: Memory, key: str, pos: int) -> Speaker | None:
    """The unnamed source "the <key>" at `pos` refers back to: the latest one quoted or introduced before it."""
    prior = mem.sources.get(key) or mem.last_source
    for start, k, name in reversed(mem.sources_named()):
        if start < pos and k == key:
            if prior is None or prior.start is None or start > prior.start:
                return Speaker(name, start, start + len(name))
            break
    return prior

def named_sources(text: str, quoted: list[tuple[int, int]], cues: QuoteCues) -> list[tuple[int, str, str]]:
    """Indefinite source phrases outside quotations ("a Syrian military source") -> [(start, key, name)]."""
    out = []
    starts = [q[0] for q in quoted]
    for m in cues.indefinite_source_re.finditer(text):
        a = m.start(1)
        k = bisect.bisect_right(starts, a) - 1
        if k >= 0 and a < quoted[k][1]:
            continue
        if text[max(0, m.start() - 4):m.start()].rstrip().endswith(","):
            continue  # an appositive ("Ahmad X, a commander in the army,") describes the name before it
        phrase = m.group(1)
        out.append((a, _singular(phrase.split()[-1].lower()), _common_case(phrase)))
    return out

def _reports_speech(text: str, end: int, cues: QuoteCues) -> bool:
    """Whether a name ending at `end` is the subject of a speech verb: "Haddad said", "Haddad, the commander, told"."""
    after = text[end:end + 60]
    stop = re.search(r"[.!?\n]", after)
    v = cues.verb_re.search(after, 0, stop.start() if stop else len(after))
    return v is not None and len(after[:v.start()].split()) <= 4

def _entities_outside(doc: Doc, quoted: list[tuple[int, int]], label: str, *,
                      content_only: bool = True) -> list[tuple[int, int, str]]:
    """wb_entities of one label outside quotations -> [(start char, end char, canonical or surface)]."""
    rows, chars = entity_rows(doc)
    text = doc_text(doc)
    starts = [q[0] for q in quoted]
    has_blocks = bool(doc_blocks(doc))
    out = []
    for (_, _, lab, canonical, _), a, b in zip(rows, *chars):
        if lab != label:
            continue
        k = bisect.bisect_right(starts, a) - 1
        if k >= 0 and a < quoted[k][1]:
            continue  # named inside a quotation: not who is speaking
        if content_only and has_blocks and block_kind_at(doc, a) not in CONTENT_KINDS:
            continue  # menus, captions and related links name no one who speaks in the article
        out.append((a, b, canonical or text[a:b]))
    return out

def _place_words(doc: Doc) -> frozenset[str]:
    """One-word GPE, LOC, NORP and ORG entities of a Doc, lower-cased."""
    rows, chars = entity_rows(doc)
    text = doc_text(doc)
    return frozenset(text[a:b].lower() for (_, _, lab, _, _), a, b in zip(rows, *chars)
                     if lab in ("GPE", "LOC", "NORP", "ORG") and " " not in text[a:b])


def named_bodies(doc: Doc, quoted: list[tuple[int, int]]) -> list[tuple[int, str, str]]:
    """Organisations named outside quotations -> [(start char, surface, canonical name or surface)] in text order."""
    text = doc_text(doc)
    cues = load_cues()
    # Only a body that speaks or issues something ("Big Machine issued a statement") can be "it" or "the
    # statement": the outlets a statement was given to ("told Fox News", "obtained by Variety") cannot.
    # Any block: the acts filter already keeps menus out, and a body line the segmenter mislabels still counts.
    return [(a, text[a:b], name) for a, b, name in _entities_outside(doc, quoted, "ORG", content_only=False)
            if (_reports_speech(text, b, cues) or cues.issue_re.match(text, b, b + 40))
            and not _AFTER_PREPOSITION.search(text, max(0, a - 12), a)]

def named_people(doc: Doc, quoted: list[tuple[int, int]], cues: QuoteCues) -> list[tuple[int, str]]:
    """People wb_entities found outside quotations as the subject of a speech verb -> [(start char, canonical name
    or surface)] in text order. A name met in passing ("the town Erdogan visited") is no referent for "he said"."""
    text = doc_text(doc)
    return [(a, name) for a, b, name in _entities_outside(doc, quoted, "PERSON") if _reports_speech(text, b, cues)]

def _document_head(words: list[str], cues: QuoteCues) -> int | None:
    """Index of the document noun heading a phrase ("a UN report in May", "statement issued by X") or None."""
    for i, w in enumerate(words):
        low = w.lower()
        if low in cues.document_nouns:
            return i
        if low in cues.not_subject or low in ("issued", "released", "published"):
            return None
    return None

def _common_case(phrase: str) -> str:
    """"Opposition sources" (capitalised only by its sentence) -> "opposition sources"; "Syrian ..." stays."""
    first, _, rest = phrase.partition(" ")
    if first[:1].isupper() and not first[1:2].isupper() and gazetteer_lookup(first) is None:
        first = first.lower()
    return f"{first} {rest}".strip()

def _fuzzy_person(surname: str, mem: Memory) -> str | None:
    """A surname spelled differently from the one met before ("Haddadd" after "Haddad") -> full name or None."""
    for known, full in mem.persons.items():
        if fuzz.ratio(surname.lower(), known) >= 80:
            return full
    return None

def _remember(mem: Memory, spk: Speaker, label: str, cues: QuoteCues) -> Speaker:
    if label == "PERSON":
        mem.last_person = spk
        if spk.name:
            mem.persons[spk.name.split()[-1].lower()] = spk.name
    else:
        mem.last_body = spk
        mem.bodies.append(spk)
    return spk

# ------------------------------------------------------------------------------------------------ the component

def find_quotes(doc: Doc, cues: QuoteCues | None = None) -> list[Quote]:
    """All quotations of a Doc with their speakers, in text order -> list of Quote."""
    cues = cues or load_cues()
    text = doc_text(doc)
    lower = doc_lower(doc)  # None when its offsets would not agree with the text's
    aid = doc._.article_id
    paras = paragraphs(doc)
    pieces = pair_marks(text, paras, cues)
    is_q = [is_quote(text, p, cues) for p in pieces]
    quoted = sorted((p.start, p.end) for p, q in zip(pieces, is_q) if q)
    mem = Memory(find_people=lambda: named_people(doc, quoted, cues), text=text,
                 find_everyone=lambda: _entities_outside(doc, quoted, "PERSON"),
                 find_places=lambda: _place_words(doc),
                 find_sources=lambda: named_sources(text, quoted, cues),
                 find_bodies=lambda: named_bodies(doc, quoted))
    rows: list[Quote] = []
    kept: list[Piece] = []
    parsed = has_parse(doc)  # statistical pipelines: the parse finds the speech verb first
    for k, p in enumerate(pieces):
        if not is_q[k]:
            continue
        ps, pe = paras[p.para]
        nxt = pieces[k + 1] if k + 1 < len(pieces) else None
        prv = pieces[k - 1] if k > 0 else None
        after_end = nxt.open_mark if nxt is not None and nxt.para == p.para and nxt.open_mark >= 0 else pe
        before_start = prv.close_mark + 1 if prv is not None and prv.para == p.para and prv.close_mark >= 0 else ps
        span = None
        if parsed:
            span = attribution(doc, p.start, p.end, cues, quoted, (ps, pe))
        span = (span or after_attribution(text, p, after_end, cues, lower=lower)
                or before_attribution(text, p, before_start, cues, lower=lower))
        spk = resolve(text, span, mem, cues) if span else Speaker(None, None, None)
        named_nobody = span is not None and text[span[0]:span[1]].strip(_PUNCT_STRIP).lower() in cues.nobody
        if spk.name is None and not named_nobody and rows:
            prev_q = kept[-1]
            same_para = prev_q.para == p.para
            # An unclosed quote continues in the next body paragraph, over captions or embeds in between; a
            # paragraph that is one unattributed quotation goes on with the speaker of the quote just before.
            continued = prev_q.close_mark < 0 and prev_q.para < p.para and all(
                block_kind_at(doc, paras[k][0]) not in ("body", "headline") for k in range(prev_q.para + 1, p.para))
            whole = span is None and p.open_mark == ps and p.para - prev_q.para <= CONTINUED_PARAGRAPHS
            if same_para or continued or whole:
                spk = Speaker(rows[-1].speaker, rows[-1].speaker_start, rows[-1].speaker_end)
        rows.append(Quote(aid, p.start, p.end, text[p.start:p.end], spk.name, spk.start, spk.end,
                          block_kind_at(doc, p.start)))
        kept.append(p)
    # A quote left open at a paragraph's end takes the speaker of the paragraph that continues it.
    for i in range(len(rows) - 2, -1, -1):
        if rows[i].speaker is None and kept[i].close_mark < 0 and kept[i + 1].para == kept[i].para + 1 \
                and kept[i + 1].open_mark >= 0 and rows[i + 1].speaker is not None:
            rows[i] = rows[i]._replace(speaker=rows[i + 1].speaker, speaker_start=rows[i + 1].speaker_start,
                                       speaker_end=rows[i + 1].speaker_end)
    return rows

class QuoteFinder:
    """Find quotations and speakers; store spans in doc.spans[spans_key] and rows in doc.user_data."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str = SPANS_KEY, config_path: str | None = None) -> None:
        self.name = name
        self.spans_key = spans_key
        self.cues = load_cues(config_path) if config_path else load_cues()

    def __call__(self, doc: Doc) -> Doc:
        rows = find_quotes(doc, self.cues)
        doc.spans[self.spans_key] = token_spans(doc, [(q.start, q.end, q.speaker or "UNATTRIBUTED") for q in rows])
        # Plain dicts survive Doc serialisation (msgpack) when docs cross processes.
        doc.user_data[SPANS_KEY] = [q._asdict() for q in rows]
        return doc

@Language.factory("wb_quotes", assigns=["doc.spans"], default_config={"spans_key": SPANS_KEY, "config_path": None})
def make_quote_finder(nlp: Language, name: str, spans_key: str, config_path: str | None) -> QuoteFinder:
    """Factory for the quote finder (cues from data/quotes.yaml unless `config_path` is given)."""
    return QuoteFinder(nlp, name, spans_key=spans_key, config_path=config_path)

def records(doc: Doc) -> list[dict]:
    """Rows of the `quotes` table for one Doc (computed here if wb_quotes did not run) -> list of dicts."""
    rows = doc.user_data.get(SPANS_KEY)
    if rows is None:
        rows = [q._asdict() for q in find_quotes(doc)]
    return [dict(r) for r in rows]
