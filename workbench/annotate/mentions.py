"""The wb_mentions component: writes doc.spans["wb_mentions"]; records(doc) -> rows of the `mentions` table. (stub)"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


class Stub:
    """Placeholder until the component is built."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc.spans["wb_mentions"] = []
        return doc


@Language.factory("wb_mentions", assigns=["doc.spans"], default_config={})
def make_component(nlp: Language, name: str) -> Stub:
    """Factory (stub)."""
    return Stub(nlp, name)


def records(doc: Doc) -> list[dict]:
    """Rows of the `mentions` table for one Doc (stub: none)."""
    return []
