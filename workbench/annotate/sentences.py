"""A fast rule sentence splitter for the `rules` pipeline, configured from data/sentences.yaml.

spaCy's Sentencizer visits every token in Python; this one runs one regex over the text and touches only the
tokens that start a sentence, so its cost grows with sentences, not tokens (the rules pipeline must stay near the
speed of bare tokenisation). Blocks already start sentences (wb_blocks), so a headline never merges with a lead.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..config import VOCAB_DIR
from .base import doc_text, token_starts

SENTENCES_YAML = VOCAB_DIR / "sentences.yaml"


BOUNDARY = re.compile(r"[.!?\u2026][\"\u201d\u2019\u00bb)\]]*[ \t\u00a0]+(?=[\"\u201c\u2018\u00ab(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@lru_cache(maxsize=4)
def load_abbreviations(path: str | Path = SENTENCES_YAML) -> frozenset[str]:
    """Read the abbreviations after which a period does not end a sentence -> set of strings (case-sensitive)."""
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    return frozenset(str(a) for a in cfg.get("abbreviations", []))


def sentence_starts(text: str, abbreviations: frozenset[str] | None = None) -> list[int]:
    """Character offsets where a new sentence starts inside lines of `text` (not counting line starts)."""
    abbreviations = load_abbreviations() if abbreviations is None else abbreviations
    out = []
    # The regex finds candidate boundaries only (cheap); the abbreviation test runs per candidate, because a
    # lookbehind per abbreviation would run at every character of the text.
    for m in BOUNDARY.finditer(text):
        if text[m.start()] == ".":
            w = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
            if w:
                word = w.group(1)
                if word in abbreviations or (len(word) == 1 and word.isupper()) or word.endswith("."):
                    continue
        out.append(m.end())
    return out


class RuleSentencizer:
    """Mark sentence starts found by the boundary regex; every other token stays 'not a start'."""

    def __init__(self, nlp: Language, name: str, *, config_path: str | None = None) -> None:
        self.name = name
        self.abbreviations = load_abbreviations(config_path) if config_path else load_abbreviations()

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        # Starts already set upstream (wb_blocks marks every line start) are kept.
        flags = doc.to_array("SENT_START").view(np.int64).copy()
        flags[flags != 1] = -1
        flags[0] = 1
        starts = sentence_starts(doc_text(doc), self.abbreviations)
        if starts:
            idx = token_starts(doc)
            pos = np.searchsorted(idx, np.asarray(starts, dtype=np.int64))
            ok = pos < len(idx)
            pos = pos[ok]
            hit = idx[pos] == np.asarray(starts, dtype=np.int64)[ok]
            flags[pos[hit]] = 1
        doc.from_array([SENT_START], flags.reshape(-1, 1).astype(np.int64).view(np.uint64))
        return doc


@Language.factory("wb_sentences", assigns=["token.is_sent_start"], default_config={"config_path": None})
def make_rule_sentencizer(nlp: Language, name: str, config_path: str | None) -> RuleSentencizer:
    """Factory for the regex sentence splitter (abbreviations from data/sentences.yaml)."""
    return RuleSentencizer(nlp, name, config_path=config_path)
