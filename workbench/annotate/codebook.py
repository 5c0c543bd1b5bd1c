"""The codebook (data/codebook.yaml, CODEBOOK v3) as data: actors, designation terms and their cues.

`load_codebook` parses it for wb_mentions; `codebook_to_patterns` turns its terms into SpanRuler-style patterns. An
actor resolved with a detail is written "OTHER_STATE:<state>" (`split_actor` parts it for the `actor_detail` column).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..config import CODEBOOK_YAML

JIHADISTS = "JIHADISTS"
OTHER_STATE = "OTHER_STATE"
UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class TermSpec:
    """One designation term of the codebook and how its actor may be set."""

    term: str
    variants: tuple[str, ...]
    default: str
    open_to: frozenset[str] | None = None  # None: any actor; empty: fixed to the default
    nationality: bool = True
    jihadist_context: bool = False
    guarded: dict[str, frozenset[str]] = field(default_factory=dict)
    next_any: frozenset[str] = frozenset()
    prev_not: frozenset[str] = frozenset()
    next_not: frozenset[str] = frozenset()
    # v3 generic terror words: forms with their own default and nationality reading ("terrorism" -> UNKNOWN,
    # "Russian state terrorism" -> RUSSIA), the nouns after which a modifier form names no one ("terrorist attack"),
    # and whether a name right after the term is what it calls so ("the terrorist Assad")
    variant_defaults: dict[str, str] = field(default_factory=dict)
    variant_nationality: frozenset[str] = frozenset()
    generic_before: frozenset[str] = frozenset()
    generic_default: str = UNKNOWN
    appositive: bool = False
    held_after: tuple[tuple[str, ...], ...] = ()
    coordinated: bool = False  # takes the actor of a term coordinated before it ("the army and militias")  # "cleared of terrorism": those who held the place, the default


@dataclass(frozen=True)
class Codebook:
    """The parsed codebook: terms, actor aliases and cue vocabularies."""

    version: str
    actors: tuple[str, ...]
    terms: dict[str, TermSpec]
    aliases: dict[str, str]
    cues: dict


@lru_cache(maxsize=8)
def load_codebook(path: str | Path = CODEBOOK_YAML) -> Codebook:
    """Parse data/codebook.yaml -> Codebook (cached per path)."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    terms = {}
    for term, spec in (raw.get("terms") or {}).items():
        spec = spec or {}
        open_to = spec.get("open_to")
        terms[term] = TermSpec(
            term=term,
            variants=tuple(spec.get("variants") or [term]),
            default=spec.get("default", UNKNOWN),
            open_to=None if open_to is None else frozenset(open_to),
            nationality=bool(spec.get("nationality", True)),
            jihadist_context=bool(spec.get("jihadist_context", False)),
            guarded={k.lower(): frozenset(w.lower() for w in v) for k, v in (spec.get("guarded") or {}).items()},
            next_any=frozenset(w.lower() for w in spec.get("next_any") or []),
            prev_not=frozenset(w.lower() for w in spec.get("prev_not") or []),
            next_not=frozenset(w.lower() for w in spec.get("next_not") or []),
            variant_defaults={k.lower(): v for k, v in (spec.get("variant_defaults") or {}).items()},
            variant_nationality=frozenset(w.lower() for w in spec.get("variant_nationality") or []),
            generic_before=frozenset(w.lower() for w in spec.get("generic_before") or []),
            generic_default=spec.get("generic_default", UNKNOWN),
            appositive=bool(spec.get("appositive", False)),
            held_after=tuple(tuple(p.lower().split()) for p in spec.get("held_after") or []),
            coordinated=bool(spec.get("coordinated", False)),
        )
    aliases = {}
    for actor, spec in (raw.get("actors") or {}).items():
        for a in (spec or {}).get("aliases") or []:
            aliases[a.lower()] = actor
    return Codebook(str(raw.get("version", "unknown")), tuple(raw.get("actors") or ()), terms, aliases,
                    raw.get("cues") or {})


def codebook_to_patterns(path: str | Path = CODEBOOK_YAML) -> list[dict]:
    """Codebook YAML -> SpanRuler-style phrase patterns, one per variant: {"label": term, "pattern": str, "id": term}."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    patterns = []
    for term, spec in (raw.get("terms") or {}).items():
        spec = spec or {}
        variants = list(spec.get("variants") or [term]) + list((spec.get("guarded") or {}).keys())
        for v in dict.fromkeys(variants):
            patterns.append({"label": term, "pattern": v, "id": term})
    return patterns


def split_actor(actor: str) -> tuple[str, str | None]:
    """An actor as resolved ("OTHER_STATE:Iraq", "RUSSIA") -> (actor id, detail or None): the detail is the state of
    OTHER_STATE (v3, the mentions' `actor_detail`)."""
    if ":" not in actor:
        return actor, None
    base, _, detail = actor.partition(":")
    return base, detail or None


def base_actor(actor: str) -> str:
    """An actor as resolved ("OTHER_STATE:Iraq") -> its actor id ("OTHER_STATE")."""
    return actor.partition(":")[0]
