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

from ..config import DATA_DIR

SENTENCES_YAML = DATA_DIR / "sentences.yaml"


@lru_cache(maxsize=4)
def boundary_regex(path: str | Path = SENTENCES_YAML) -> re.Pattern:
    """Compile the sentence-boundary regex from the abbreviation list in YAML -> pattern whose match end is a start."""
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    abbrevs = sorted(cfg.get("abbreviations", []), key=len, reverse=True)
    # Python's lookbehind must be fixed width, so each abbreviation gets its own negative lookbehind.
    guards = "".join(f"(?<!\\b{re.escape(a)})" for a in abbrevs)
    return re.compile(
        r"(?<![A-Z]\.[A-Z])" + guards + r"(?<=[.!?…])[\"”’»)\]]*[ \t\u00a0]+(?=[\"“‘«(\[]?[A-Z0-9])"
    )


def sentence_starts(text: str, regex: re.Pattern | None = None) -> list[int]:
    """Character offsets where a new sentence starts inside lines of `text` (not counting line starts)."""
    regex = regex or boundary_regex()
    return [m.end() for m in regex.finditer(text)]


class RuleSentencizer:
    """Mark sentence starts found by the boundary regex; every other token stays 'not a start'."""

    def __init__(self, nlp: Language, name: str, *, config_path: str | None = None) -> None:
        self.name = name
        self.regex = boundary_regex(config_path) if config_path else boundary_regex()

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        # Starts already set upstream (wb_blocks marks every line start) are kept.
        flags = doc.to_array("SENT_START").view(np.int64).copy()
        flags[flags != 1] = -1
        flags[0] = 1
        starts = sentence_starts(doc.text, self.regex)
        if starts:
            idx = doc.to_array("IDX").view(np.int64)
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
