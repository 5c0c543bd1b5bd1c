"""Helpers shared by the component tests: a blank English pipeline with blocks, sentences and chosen components."""
from __future__ import annotations

import spacy
from spacy.language import Language

import workbench.annotate  # noqa: F401  (registers the wb_* factories)


def blank_with(*components: str) -> Language:
    """spacy.blank("en") + wb_blocks + wb_sentences + the named components, in order -> Language."""
    nlp = spacy.blank("en")
    for name in ("wb_blocks", "wb_sentences", *components):
        nlp.add_pipe(name)
    return nlp
