"""Run a pipeline over a stream of articles -> table records; write the tables of SCHEMA.md.

This is the one annotate path: the single-process CLI, `scale.py` partitions and the notebooks all call
`annotate_articles`, so a partitioned run gives the same rows as a single one.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from ..blocks import Block, segment
from ..corpus import Article, ReadError
from . import entities, figures, mentions, quotes, timex
from .base import block_kind_at, doc_text, iter_sentences, make_doc

RECORD_FUNCS = {
    "mentions": mentions.records,
    "entities": entities.records,
    "quotes": quotes.records,
    "figures": figures.records,
    "timex": timex.records,
}
OFFSET_COLUMNS = ("start", "end", "sent_start", "sent_end", "speaker_start", "speaker_end")
# Articles longer than this are annotated in line-aligned chunks (offsets shifted back), so one 50 MB article
# neither exceeds spaCy's limits nor holds a 50M-token Doc in memory.
CHUNK_CHARS = 200_000


def article_row(a: Article) -> dict:
    """An Article -> a row of the `articles` table."""
    return {
        "article_id": a.id, "source_path": a.source_path, "outlet": a.outlet, "published": a.published,
        "url": a.url, "title": a.title, "n_chars": len(a.text), "n_words": a.n_words, "sha256": a.sha256,
    }


def sentence_records(doc: Doc) -> list[dict]:
    """Rows of the `sentences` table (every sentence, with its block kind and text) for one Doc."""
    aid = doc._.article_id
    text = doc_text(doc)
    return [
        {"article_id": aid, "start": s, "end": e, "block_kind": block_kind_at(doc, s), "text": text[s:e]}
        for s, e in iter_sentences(doc)
    ]


def _chunks(text: str, blocks: list[Block], limit: int) -> Iterator[tuple[int, int, list[Block]]]:
    """Split an article into (base, end, blocks relative to base) chunks at line boundaries, each <= limit if possible."""
    if len(text) <= limit:
        yield 0, len(text), blocks
        return
    base = 0
    cur: list[Block] = []
    for b in blocks:
        if cur and b.end - base > limit:
            end = cur[-1].end
            yield base, end, [bl._replace(start=bl.start - base, end=bl.end - base) for bl in cur]
            base, cur = b.start, []
        cur.append(b)
    if cur or base < len(text):
        yield base, len(text), [bl._replace(start=bl.start - base, end=bl.end - base) for bl in cur]


def _shift(rows: list[dict], base: int) -> list[dict]:
    if not base:
        return rows
    for r in rows:
        for col in OFFSET_COLUMNS:
            if r.get(col) is not None:
                r[col] += base
    return rows


@dataclass
class Records:
    """Table name -> list of row dicts, plus the errors met on the way."""

    tables: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def extend(self, other: "Records") -> None:
        """Append another batch's rows."""
        for k, v in other.tables.items():
            self.tables[k].extend(v)


def annotate_articles(items: Iterable[Article | ReadError], nlp: Language, *, batch_size: int = 32,
                      chunk_chars: int = CHUNK_CHARS, tables: tuple[str, ...] | None = None) -> Records:
    """Annotate a stream of articles (ReadErrors pass through to `errors`) -> Records of every table."""
    out = Records()
    wanted = set(tables) if tables else None

    def docs() -> Iterator[Doc]:
        for item in items:
            if isinstance(item, ReadError):
                out.tables["errors"].append({"source_path": item.source_path, "reason": item.reason})
                continue
            try:
                blocks = segment(item.text, item.id)
            except Exception as exc:  # a pathological text must not stop the corpus
                out.tables["errors"].append({"source_path": item.source_path, "reason": f"block segmentation failed: {exc!r}"})
                continue
            out.tables["articles"].append(article_row(item))
            out.tables["blocks"].extend(b._asdict() for b in blocks)
            for base, end, rel in _chunks(item.text, blocks, chunk_chars):
                doc = make_doc(nlp, item.text[base:end], article_id=item.id, published=item.published,
                               outlet=item.outlet)
                doc.user_data["wb_blocks"] = rel
                doc.user_data["wb_base"] = base
                yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        base = doc.user_data.get("wb_base", 0)
        out.tables["sentences"].extend(_shift(sentence_records(doc), base))
        for name, func in RECORD_FUNCS.items():
            if wanted is None or name in wanted:
                out.tables[name].extend(_shift([dict(r) if not isinstance(r, dict) else r for r in func(doc)], base))
    return out


def published_or_none(value: object) -> dt.date | None:
    """Coerce a stored published value (date, Timestamp, str, NaT) -> date or None."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None
