"""Which matched codebook terms are designations, and which actor each one refers to (CODEBOOK v3).

`Cues` holds the codebook's cue vocabularies as hash sets of one Vocab; `Resolver` reads a term's actor from its own
noun phrase ("Iranian-backed militias", "anti-government fighters", "the US regime"), a post-modifier ("factions
backed by Iran"), a possessive pronoun ("its troops"), coordination ("the army and militias"), jihadist context for
terror words ("rebels and militants"), a state that deploys the unit ("Moscow sent special forces"), and finally the
term's default. `is_designation` drops matches that designate no one ("ceasefire regime", "fighter jets", "Tiger
Forces"). All work is per match over token attribute lists, never per token.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import NamedTuple

from spacy.tokens import Doc

from .base import doc_text, sentence_bounds
from .codebook import JIHADISTS, OTHER_STATE, UNKNOWN, Codebook, TermSpec, base_actor

ENTITIES_KEY = "wb_entities"
ENTITY_ROWS_KEY = "wb_entity_rows"
_JOINED_CUE = re.compile(r"^(?P<head>.+?)-(?P<cue>[a-z]+)$")  # "U.S.-backed" kept as one token by the tokenizer
_POSSESSIVE = frozenset({"'s", "’s", "'", "’", "‘s"})
_POSSESSIVE_ENDS = ("'s", "’s", "‘s")
_HYPHENS = frozenset({"-", "‐", "‑", "–"})
_COORD = frozenset({"and", "or", "&"})


class Cues:
    """The codebook's cue vocabularies as hash sets of one Vocab (token checks are integer look-ups)."""

    def __init__(self, book: Codebook, strings) -> None:
        cues = book.cues
        h = strings.add

        def hs(words) -> frozenset[int]:
            return frozenset(h(w.lower()) for w in words)

        def words(key: str) -> list[str]:
            v = cues.get(key, {})
            return list(v.get("words", []) if isinstance(v, dict) else v)

        self.strings = strings
        self.nationality = {h(k.lower()): v for k, v in (cues.get("nationality") or {}).items()}
        self.nationality_lower = frozenset(h(k) for k in (cues.get("nationality") or {}) if k == k.lower())
        self.nationality_text = {k.lower(): v for k, v in (cues.get("nationality") or {}).items()}
        self.aliases = {h(k): v for k, v in book.aliases.items()}
        # "Assads", "Syrias": possessives whose apostrophe a corpus stripped (capitalised, so "Turks" stays a people)
        self.alias_possessive = {h(k + "s"): v for k, v in book.aliases.items() if not k.endswith("s")}
        # adjectives naming an armed group rather than a state: they set the actor even of terms that take no
        # nationality ("Kurdish militants")
        self.jihadist_possessive = frozenset(k for k, v in self.alias_possessive.items() if v == JIHADISTS)
        self.groups = {h(k.lower()): v for k, v in (cues.get("group_adjectives") or {}).items()}
        self.alias_text = book.aliases
        self.backed, self.backed_words = hs(words("backed")), frozenset(w.lower() for w in words("backed"))
        self.backed_map = (cues.get("backed") or {}).get("map", {})
        self.pro = hs(words("pro"))
        self.anti = hs(words("anti"))
        self.anti_map = (cues.get("anti") or {}).get("map", {})
        self.allied = hs(words("allied"))
        self.allied_actor = (cues.get("allied") or {}).get("actor", UNKNOWN)
        modifier_words = [w for k in ("backed", "pro", "led", "anti", "held", "allied") for w in words(k)]
        self.modifiers = hs(modifier_words)
        self.modifier_text = frozenset(w.lower() for w in modifier_words)
        self.post = hs(cues.get("post") or [])
        self.post_locative = hs(cues.get("post_locative") or [])
        self.pronouns = hs(cues.get("pronouns") or [])
        self.filler = hs(cues.get("np_filler") or [])
        self.deployable = frozenset(cues.get("deployable") or [])
        self.deploy_verbs = hs(cues.get("deploy_verbs") or [])
        self.window = int(cues.get("context_window", 6))
        self.hyphens = hs(_HYPHENS)
        self.possessive = hs(_POSSESSIVE)
        self.coord = hs(_COORD)
        self.of = h("of")
        self.guarded = {t: {h(v): hs(ws) for v, ws in spec.guarded.items()} for t, spec in book.terms.items()}
        self.next_any = {t: hs(spec.next_any) for t, spec in book.terms.items()}
        self.next_any_labels = frozenset(t for t, words in self.next_any.items() if words)
        self.prev_not = {t: hs(spec.prev_not) for t, spec in book.terms.items()}
        self.next_not = {t: hs(spec.next_not) for t, spec in book.terms.items()}
        # per term: lower hash of a form -> the spec that form reads with ("terrorism": default UNKNOWN)
        self.variant_specs = {t: {h(v): replace(spec, default=d, nationality=v in spec.variant_nationality)
                                  for v, d in spec.variant_defaults.items()} for t, spec in book.terms.items()}
        self.generic_specs = {t: replace(spec, default=spec.generic_default) for t, spec in book.terms.items()
                              if spec.generic_before}
        self.generic_before = {t: hs(spec.generic_before) for t, spec in book.terms.items()}
        self.generic_fillers = hs(cues.get("generic_fillers") or [])
        self.generic_labels = frozenset(t for t, spec in book.terms.items()
                                        if spec.variant_defaults or spec.generic_before or spec.held_after)
        self.held_after = {t: frozenset(tuple(h(w) for w in p) for p in spec.held_after)
                           for t, spec in book.terms.items()}
        self.name_descriptors = hs(cues.get("name_descriptors") or []) | hs(cues.get("nationality") or {}) | frozenset(
            h(v.lower()) for spec in book.terms.values() for v in spec.variants)
        self.title_case_share = float(cues.get("title_case_share", 0.8))
        self.name_cues = hs(self.nationality_text) | hs(book.aliases)  # compared with LOWER
        self.fixed_opposition = frozenset(t for t, spec in book.terms.items()
                                          if spec.open_to == frozenset() and spec.default == "ARMED_OPPOSITION")
        self.state_default = "SYRIAN_STATE"
        self.definite = h("the")
        self.jihadist_terms = frozenset(t for t, spec in book.terms.items() if spec.default == JIHADISTS)
        self.no_unit = self.possessive | self.hyphens | self.filler
        self.in_phrase = self.no_unit | self.modifiers  # words a noun phrase is read across
        self._joined: dict[int, tuple[str, str] | None] = {}

    def joined(self, low: int) -> tuple[str, str] | None:
        """A lower-cased token (hash) of the form "u.s.-backed" -> (head, cue), else None; cached per hash, as the
        same few thousand words come back in every Doc."""
        hit = self._joined.get(low, False)
        if hit is False:
            if len(self._joined) > 200_000:  # bounded: a huge corpus brings ever new words
                self._joined.clear()
            m = _JOINED_CUE.match(self.strings[low])
            hit = self._joined[low] = (m.group("head"), m.group("cue")) if m else None
        return hit


class Term(NamedTuple):
    """A matched term as plain values (Span objects are built only for the output)."""

    start: int
    end: int
    label_: str
    start_char: int


class Ent(NamedTuple):
    """An entity of the Doc as plain values (iterating a SpanGroup builds a Span per item: costly)."""

    start: int
    end: int
    label: str
    canonical: str
    actor: str


def doc_entities(doc: Doc) -> tuple[list[tuple[int, int, str, str, str]], bool]:
    """The Doc's wb_entities as plain (start, end, label, canonical, actor) tuples -> (rows, whether the rows are
    sorted and disjoint: wb_entities' own copy is; a span group set by other code need not be)."""
    rows = doc.user_data.get(ENTITY_ROWS_KEY)
    if rows is not None:
        return rows, True
    return [(e.start, e.end, e.label_, e.kb_id_, e.id_) for e in doc.spans.get(ENTITIES_KEY, [])], False


class Resolver:
    """Actor resolution for the terms of one Doc: work per match over token attribute arrays, never per token."""

    def __init__(self, doc: Doc, book: Codebook, cues: Cues, lower: list[int], idx: list[int],
                 ents: list[tuple[int, int, str, str, str]]) -> None:
        self.doc = doc
        self.book = book
        self.c = cues
        # Only LOWER and IDX are copied out of the Doc; case and punctuation are read off the text at a token's start.
        self.lower, self.idx, self.text_ = lower, idx, doc_text(doc)
        self.n = len(self.lower)
        # token index -> entity span carrying an actor (entity rows are plain tuples: a named tuple only where needed)
        # A named organisation that is no party in the codebook ("SDF fighters", "UN troops") still owns the terms
        # it modifies: it takes part as UNKNOWN rather than letting the term fall back to its default actor.
        self.ents = [(Ent._make(e) if e[4] != OTHER_STATE else Ent(*e[:4], f"{OTHER_STATE}:{e[3]}")) if e[4]
                     else Ent(*e[:4], UNKNOWN) for e in ents if e[4] or e[2] == "ORG"]
        self.ent_at: dict[int, Ent] = {i: e for e in self.ents for i in range(e.start, e.end)}
        self.jihadist_ent_starts = sorted(e.start for e in self.ents if e.actor == JIHADISTS)
        self.place_at = {e[1] - 1 for e in ents if not e[4] and e[2] == "GPE"}
        self._sent_tokens: dict[tuple[int, int], tuple[int, int]] = {}  # sentence chars -> tokens (terms share them)
        self.set_terms([])

    def set_terms(self, terms: list[Term]) -> None:
        """The designations of the Doc (known once the non-designations are dropped): token index -> term span."""
        self.term_at: dict[int, Term] = {i: s for s in terms for i in range(s.start, s.end)}
        self.jihadist_term_starts = [t.start for t in terms if t.label_ in self.c.jihadist_terms]  # terms: by start
        self.actor_of: dict[int, str] = {}  # term span start -> resolved actor

    def capitalised(self, i: int) -> bool:
        """Whether token i starts with a capital letter."""
        return self.text_[self.idx[i]].isupper()

    def punct(self, i: int) -> bool:
        """Whether token i starts with a character that is neither letter nor digit."""
        return not self.text_[self.idx[i]].isalnum()

    def sent_tokens(self, char: int) -> tuple[int, int]:
        """Token range [start, end) of the sentence containing character `char`."""
        s, e = sentence_bounds(self.doc, char)
        return bisect.bisect_left(self.idx, s), bisect.bisect_left(self.idx, e)

    # --- cue units -------------------------------------------------------------------------------------------
    def _unit(self, i: int, *, nationality: bool, adjective: bool = False) -> tuple[int, int, str] | None:
        """The actor-bearing unit covering token i -> (start, end, actor) or None (`adjective`: i stands in the term's
        own noun phrase, before it)."""
        c = self.c
        ent = self.ent_at.get(i)
        if ent is not None:
            if nationality or ent.label not in ("NORP", "GPE") or not adjective or (
                    ent.end < self.n and self.lower[ent.end] in c.in_phrase):
                return ent.start, ent.end, ent.actor
            if ent.label == "GPE":
                # a state's name used as an adjective owns no term that takes no nationality ("Syria militants"),
                # unless a modifier follows it ("Turkey-backed militants", "Syria's militants")
                return None
        term = self.term_at.get(i)
        if term is not None and term.start in self.actor_of:
            return term.start, term.end, self.actor_of[term.start]
        low = self.lower[i]
        if nationality and low in c.nationality and (self.capitalised(i) or low in c.nationality_lower):
            return i, i + 1, c.nationality[low]
        if low in c.aliases and self.capitalised(i):
            return i, i + 1, c.aliases[low]
        if low in c.no_unit:  # possessive, hyphen or filler
            return None
        if low in c.alias_possessive and self.capitalised(i):
            return i, i + 1, c.alias_possessive[low]
        if low in c.groups and self.capitalised(i):
            return i, i + 1, c.groups[low]  # "Kurdish militants": a people's armed group, whatever the term
        joined = c.joined(low)
        if joined is not None and joined[1] in c.modifier_text:
            head = joined[0]
            actor = (c.nationality_text.get(head) if nationality else None) or c.alias_text.get(head)
            if actor:
                return i, i + 1, actor
        return None

    def _effective(self, start: int, end: int, actor: str) -> str:
        """Apply the modifier around a unit: anti-X, pro-X, X-backed -> the term's actor (X-led, X-held: X)."""
        c = self.c
        joined = c.joined(self.lower[start]) if end - start == 1 else None
        if joined is not None and joined[1] in c.backed_words:
            return c.backed_map.get(base_actor(actor), UNKNOWN)
        j = end
        if j < self.n and self.lower[j] in c.hyphens:
            j += 1
        if j < self.n and self.lower[j] in c.backed:
            return c.backed_map.get(base_actor(actor), UNKNOWN)
        k = start - 1
        if k >= 0 and self.lower[k] in c.hyphens:
            k -= 1
        if k >= 0 and self.lower[k] in c.anti:
            return c.anti_map.get(base_actor(actor), UNKNOWN)
        if k >= 0 and self.lower[k] in c.pro:
            return c.backed_map.get(base_actor(actor), actor)
        return actor

    @staticmethod
    def _accept(spec: TermSpec, actor: str | None) -> bool:
        return actor is not None and (spec.open_to is None or actor in spec.open_to
                                      or (":" in actor and base_actor(actor) in spec.open_to))

    # --- resolution steps --------------------------------------------------------------------------------------
    def _left(self, span: Term, spec: TermSpec, sent: tuple[int, int]) -> str | None:
        """The term's own noun phrase, read leftwards over modifiers: "Iranian-backed", "anti-government", "US"."""
        c = self.c
        i = span.start - 1
        if i >= 1 and self.lower[i] in c.hyphens and self.lower[i - 1] in c.anti:
            return None  # "the US-led anti-terror coalition": what "anti-" opposes is not owned by the words before
        steps = 0
        saw_allied = False
        while i >= sent[0] and steps < 8:
            unit = self._unit(i, nationality=spec.nationality, adjective=True)
            if unit is not None:
                actor = self._effective(*unit)
                if self._accept(spec, actor):
                    return actor
                i = unit[0] - 1
                steps += 1
                continue
            low = self.lower[i]
            if (i in self.place_at and i + 1 < span.start and self.lower[i + 1] in c.possessive
                    and spec.default == c.state_default):
                return UNKNOWN  # "Lebanon's army": a state that is no party the codebook names
            if low in c.pronouns:
                return self._pronoun(i, sent, spec)
            if low in c.allied:
                saw_allied = True
            if low not in c.in_phrase:
                if (i - 2 >= sent[0] and self.lower[i - 1] in c.coord and self.capitalised(i)
                        and self._unit(i - 2, nationality=spec.nationality, adjective=True) is not None):
                    i -= 2  # "Kurdish and Arab fighters": two adjectives of one noun phrase
                    steps += 1
                    continue
                break
            i -= 1
            steps += 1
        if saw_allied and self._accept(spec, c.allied_actor):
            return c.allied_actor
        return None

    def _right(self, span: Term, spec: TermSpec, sent: tuple[int, int]) -> str | None:
        """A post-modifier naming the owner: "factions backed by Iran", "troops from the Republican Guard"."""
        c = self.c
        i = span.end
        if i >= sent[1] or self.lower[i] not in c.post:
            return None
        via_backer = self.lower[i] in c.backed
        locative = self.lower[i] in c.post_locative
        i += 1
        stop = min(sent[1], i + 6)
        while i < stop:
            if self.punct(i) and self.lower[i] not in c.hyphens and self.lower[i] not in c.possessive:
                return None
            unit = self._unit(i, nationality=spec.nationality)
            if unit is not None and unit[1] - unit[0] == 1 and self._term_within(unit[1], 2, stop):
                i = unit[1]  # "fighters from Syrian opposition groups": the later term, not the adjective, owns them
                continue
            if unit is not None and locative and not self._named_group(unit[0]):
                i = unit[1]
                continue
            if unit is not None and unit[1] < stop and self._possessive_after(unit[1]):
                i = unit[1] + (self.lower[unit[1]] in c.possessive)
                continue  # "fighters from Lebanon's Hezbollah": the group after the possessive owns them
            if unit is not None:
                actor = self._effective(*unit)
                if via_backer:
                    actor = c.backed_map.get(base_actor(actor), UNKNOWN)
                if self._accept(spec, actor):
                    return actor
                i = unit[1]
                continue
            term = None if locative else self.term_at.get(i)  # "fighters in regime-held areas": a place
            if term is not None:  # "militias loyal to the regime": the later term's own default actor
                actor = self.book.terms[term.label_].default
                actor = c.backed_map.get(actor, UNKNOWN) if via_backer else actor
                return actor if self._accept(spec, actor) else None
            i += 1
        return None

    def _generic_event_after(self, span: Term) -> bool:
        """Whether an event noun follows the term, across up to two words of how ("terrorist rocket attack")."""
        c = self.c
        nouns = c.generic_before[span.label_]
        if not nouns:
            return False
        for j in range(span.end, min(self.n, span.end + 4)):
            if self.lower[j] in nouns:
                return True
            if self.lower[j] not in c.generic_fillers:
                return False
        return False

    def _term_within(self, j: int, k: int, stop: int) -> bool:
        """Whether a designation term starts within `k` tokens from token j (before `stop`)."""
        return any(t in self.term_at for t in range(j, min(stop, j + k)))

    def _coordinated(self, span: Term) -> str | None:
        """The actor of a designation coordinated right before the term ("the army and militias") or None."""
        j = span.start - 1
        if j >= 1 and self.lower[j] in self.c.coord:
            left = self.term_at.get(j - 1)
            if left is not None and left.start in self.actor_of:
                return self.actor_of[left.start]
        return None

    def _possessive_after(self, j: int) -> bool:
        """Whether a possessive ends the unit ending before token j ("Lebanon 's", or one token "Lebanon‘s")."""
        if j < self.n and self.lower[j] in self.c.possessive:
            return True
        end = self.idx[j] if j < self.n else len(self.text_)
        return self.text_[self.idx[j - 1]:end].rstrip().endswith(_POSSESSIVE_ENDS)

    def _named_group(self, i: int) -> bool:
        """Whether token i starts an organisation's name (not a place, a people or a designation)."""
        ent = self.ent_at.get(i)
        return ent is not None and ent.label == "ORG"

    def _pronoun(self, i: int, sent: tuple[int, int], spec: TermSpec) -> str | None:
        """'its'/'their' at token i -> the nearest actor named before it (this or the previous sentence)."""
        lo = self.sent_tokens(self.idx[sent[0] - 1])[0] if sent[0] > 0 else 0
        j = i - 1
        while j >= lo:
            unit = self._unit(j, nationality=False)
            if unit is not None and self._accept(spec, unit[2]):
                return unit[2]
            j = (unit[0] if unit else j) - 1
        return None

    def _jihadist(self, span: Term, sent: tuple[int, int]) -> bool:
        """Whether a terror word singles out jihadists: set against rebels, or a jihadist group named near it."""
        c = self.c
        # "rebels and militants" / "militants and key Turkish-backed opposition factions"
        if span.start >= 2 and self.lower[span.start - 1] in c.coord:
            left = self.term_at.get(span.start - 2)
            if left is not None and left.label_ in c.fixed_opposition:
                return True
        if span.end < sent[1] and self.lower[span.end] in c.coord:
            for j in range(span.end + 1, min(sent[1], span.end + 6)):
                t = self.term_at.get(j)
                if t is not None:
                    if t.label_ in c.fixed_opposition:
                        return True
                    break
                if self.punct(j) and self.lower[j] not in c.hyphens:
                    break
        lo = sent[0]
        if span.start > 0 and self.lower[span.start - 1] == c.definite and sent[0] > 0:
            lo = self.sent_tokens(self.idx[sent[0] - 1])[0]  # "the militants": also the sentence before
        # Binary searches over sorted starts, not a scan of every entity and term per call (quadratic on long Docs).
        starts = self.jihadist_ent_starts
        if bisect.bisect_left(starts, lo) < bisect.bisect_left(starts, sent[1]):
            return True  # a jihadist group starts in [lo, sentence end)
        names = c.jihadist_possessive
        if not names.isdisjoint(self.lower[lo:sent[1]]) and any(
                self.lower[j] in names and self.capitalised(j) for j in range(lo, sent[1])):
            return True  # "Daeshs de facto capital": a jihadist group named with a stripped possessive
        starts = self.jihadist_term_starts
        hi = bisect.bisect_left(starts, sent[1])
        # another jihadist term starts in the sentence (starts are distinct: at most two looks)
        return any(starts[k] != span.start for k in range(bisect.bisect_left(starts, sent[0]), hi))

    def _deployed(self, span: Term, sent: tuple[int, int]) -> str | None:
        """'Moscow sent more special forces', 'The Turkish army dispatched soldiers' -> the deploying state's actor."""
        seen_verb = False
        for j in range(span.start - 1, max(sent[0], span.start - self.c.window) - 1, -1):
            if j in self.term_at and not seen_verb:
                return None  # another designation sits between: "rebels sent forces" is not about a state
            if self.lower[j] in self.c.deploy_verbs:
                seen_verb = True
                continue
            unit = self._unit(j, nationality=True) if seen_verb else None
            if unit is not None:  # "Moscow sent", "The Turkish military sent"
                return unit[2]
        return None

    def _named_force(self, span: Term, sent: tuple[int, int]) -> str | None:
        """Singular 'the dominant force' -> the actor of the nearest group (ORG) named before it in the sentence."""
        for j in range(span.start - 1, sent[0] - 1, -1):
            ent = self.ent_at.get(j)
            if ent is not None and ent.label == "ORG":
                return ent.actor
        return None

    def resolve(self, span: Term, sent_chars: tuple[int, int]) -> str:
        """One term span and its sentence's character bounds -> its actor id."""
        spec = self.book.terms[span.label_]
        if spec.open_to is not None and not spec.open_to:
            return spec.default
        c = self.c
        if span.label_ in c.generic_labels:
            variant = c.variant_specs[span.label_].get(self.lower[span.start])
            held = c.held_after[span.label_]
            if held and span.start >= 2 and tuple(self.lower[span.start - 2:span.start]) in held:
                pass  # "the hills were cleared of terrorism": those who held them, the term's default
            elif variant is not None:
                spec = variant  # "terrorism", "terror": no side by default, a nationality names the state
            elif self._generic_event_after(span):
                spec = c.generic_specs[span.label_]  # "a terrorist (car bomb) attack": who attacked is not said
        toks = self._sent_tokens.get(sent_chars)
        if toks is None:
            toks = self._sent_tokens[sent_chars] = (bisect.bisect_left(self.idx, sent_chars[0]),
                                                    bisect.bisect_left(self.idx, sent_chars[1]))
        sent = (min(toks[0], span.start), max(toks[1], span.end))
        actor = self._left(span, spec, sent) or self._right(span, spec, sent)
        if actor is None and spec.coordinated:
            actor = self._coordinated(span)  # "the troops and militiamen": the side of the troops
        if actor is None and spec.appositive and span.end < sent[1]:
            unit = self._unit(span.end, nationality=False)  # "the terrorist Assad": the name it calls so
            actor = unit[2] if unit is not None else None
        if actor is None and spec.jihadist_context and self._jihadist(span, sent):
            actor = JIHADISTS
        if actor is None and span.end - span.start == 1 and self.lower[span.start] in self.c.guarded[span.label_]:
            actor = self._named_force(span, sent)
        if actor is None and span.label_ in self.c.deployable:
            actor = self._deployed(span, sent)
        return actor if self._accept(spec, actor) else spec.default


def is_designation(cues: Cues, r: Resolver, span: Term, in_name: bool, sent_start: int, kind: str | None,
                    prev: Term | None, in_descriptive: bool = False) -> bool:
    """Whether a matched term is a designation; `prev`: the matched term before it (None for the first);
    `in_descriptive`: inside a name made of descriptive words only ("Syrian Arab Army": `army`)."""
    c = cues
    guarded = c.guarded[span.label_]
    if span.end - span.start == 1 and r.lower[span.start] in guarded:
        before = {r.lower[j] for j in range(max(0, span.start - 2), span.start) if r.idx[j] >= sent_start}
        if not before & guarded[r.lower[span.start]]:
            return False
    p = span.start - 1
    if p >= 0 and r.lower[p] in c.hyphens:
        p -= 1
    if p >= 0 and r.lower[p] in c.prev_not[span.label_]:
        return False  # "ceasefire regime", "air force"
    if span.end < r.n:
        j = span.end + 1 if span.end + 1 < r.n and r.lower[span.end] in c.hyphens else span.end
        if r.lower[j] in c.next_not[span.label_]:
            return False  # the verb: "forces civilians to flee"; aircraft: "fighter jets", "fighter-bomber"
    if span.label_ in c.next_any_labels:
        need = c.next_any[span.label_]
        j = span.end + (1 if span.end < r.n and r.lower[span.end] in c.hyphens else 0)
        if j >= r.n or r.lower[j] not in need:
            return False
    if in_name:
        return False  # inside a gazetteer name: "Tiger Forces", "Army of Glory"
    return in_descriptive or not looks_like_name(cues, r, span, sent_start, kind, prev)

def looks_like_name(cues: Cues, r: Resolver, span: Term, sent_start: int, kind: str | None,
                     prev: Term | None) -> bool:
    """A capitalised term inside a capitalised phrase mid-sentence ("the Tiger Forces", "Army of Conquest").

    `sent_start` and `kind`: start of the term's sentence and kind of its block; `prev`: the matched term before it
    (matched terms are sorted and disjoint, so the token before this one belongs to a term only if `prev` ends
    there).
    """
    text = r.text_
    i = span.start
    if not text[r.idx[i]].isupper() or i == 0 or kind == "headline":
        return False
    if r.idx[i] <= sent_start:
        return False
    if title_case(cues, r, span, sent_start):
        return False  # "Syrian Army Kills Top Terrorist Commander" repeated in the body: capitals say nothing
    p = i - 1
    after_term = prev is not None and prev.end == i
    if (text[r.idx[p]].isupper() and r.idx[p] > sent_start and not after_term and not r.punct(p)
            and r.lower[p] not in cues.name_cues):
        return True
    return span.end + 1 < r.n and r.lower[span.end] == cues.of and text[r.idx[span.end + 1]].isupper()

def title_case(cues: Cues, r: Resolver, span: Term, sent_start: int) -> bool:
    """Whether the words around a term are in Title Case (most longer words capitalised), as in a headline."""
    text = r.text_
    lo = max(0, span.start - 4)
    while lo < span.start and r.idx[lo] < sent_start:
        lo += 1
    words = [j for j in range(lo, min(r.n, span.end + 4))
             if j < span.start or j >= span.end]
    words = [j for j in words if text[r.idx[j]].isalpha() and (j + 1 >= r.n or r.idx[j + 1] - r.idx[j] > 4)]
    if len(words) < 3:
        return False
    caps = sum(text[r.idx[j]].isupper() for j in words)
    return caps >= cues.title_case_share * len(words)

def descriptive(cues: Cues, lower: list[int], name: tuple[int, int]) -> bool:
    """Whether a name is made only of descriptive words and terms ("Syrian Arab Army", "Free Syrian Army")."""
    desc = cues.name_descriptors
    return all(lower[j] in desc for j in range(*name))
