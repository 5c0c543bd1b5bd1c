"""Run a pipeline over a stream of articles -> table records; write the tables of SCHEMA.md.

This is the one annotate path: the single-process CLI, `scale.py` partitions and the notebooks all call
`annotate_articles`, so a partitioned run gives the same rows as a single one.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from spacy.language import Language
from spacy.tokens import Doc

from ..blocks import Block, segment
from .. import voice
from ..corpus import Article, ReadError
from ..sources import as_date
from ..tables import SCHEMAS
from . import entities, figures, mentions, quotes, timex
from .dateline import dateline_columns
from .base import block_kind_at, doc_text, iter_sentences, make_doc

RECORD_FUNCS = {
    "mentions": mentions.records,
    "entities": entities.records,
    "quotes": quotes.records,
    "figures": figures.records,
    "timex": timex.records,
}
OFFSET_COLUMNS = ("start", "end", "sent_start", "sent_end", "speaker_start", "speaker_end")
# Articles longer than this are annotated in chunks cut at line ends (a longer line after a sentence end), offsets
# shifted back, so a 50 MB article or a 2-million-character line never makes one huge Doc: en_core_web_sm peaks
# near 1 GB on a 200,000-character Doc and ~400 MB at this size (news articles are rarely a tenth of it).
CHUNK_CHARS = 50_000
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")


def article_row(a: Article) -> dict:
    """An Article -> a row of the `articles` table."""
    return {
        "article_id": a.id, "source_path": a.source_path, "outlet": a.outlet, "published": a.published,
        "url": a.url, "title": a.title, "n_chars": len(a.text), "n_words": a.n_words, "sha256": a.sha256,
    }


def error_row(source_path: str, reason: str, *, article_id: str | None = None, component: str | None = None) -> dict:
    """A row of the `errors` table: where, why, and (for an annotation failure) which article and component."""
    return {"source_path": source_path, "reason": reason, "article_id": article_id, "component": component}


def exception_reason(exc: BaseException) -> str:
    """An exception -> 'Type: message' (one line, bounded), the `reason` of an annotation error row."""
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg[:300]}" if msg else type(exc).__name__


def sentence_records(doc: Doc) -> list[dict]:
    """Rows of the `sentences` table (every sentence, with its block kind and text) for one Doc."""
    aid = doc._.article_id
    text = doc_text(doc)
    return [
        {"article_id": aid, "start": s, "end": e, "block_kind": block_kind_at(doc, s), "text": text[s:e]}
        for s, e in iter_sentences(doc)
    ]


def _cut(text: str, start: int, end: int) -> int:
    """Where to cut text[start:end] short of `end`: after the last sentence end, else the last space -> offset."""
    window = text[start + (end - start) // 2:end]
    base = end - len(window)
    best = None
    for m in _SENTENCE_END.finditer(window):
        best = m.end()
    if best is None:
        ws = max(window.rfind(" "), window.rfind("\t"), window.rfind("\u00a0"))
        best = ws + 1 if ws >= 0 else len(window)  # no space at all: a hard cut (offsets stay exact either way)
    return base + best


def _pieces(text: str, blocks: list[Block], limit: int) -> list[Block]:
    """Blocks with every line longer than `limit` cut into pieces of at most `limit` (same block id and kind)."""
    out: list[Block] = []
    for b in blocks:
        start = b.start
        while b.end - start > limit:
            cut = _cut(text, start, start + limit)
            out.append(b._replace(start=start, end=cut))
            start = cut
        out.append(b._replace(start=start) if start != b.start else b)
    return out


def _chunks(text: str, blocks: list[Block], limit: int) -> Iterator[tuple[int, int, list[Block]]]:
    """Split an article into (base, end, blocks relative to base) chunks at line boundaries, each <= limit.

    A single line longer than `limit` is cut after a sentence end (else at a space) so no Doc exceeds `limit`
    characters whatever the pipeline: a parser's memory grows with the longest Doc, not with the article.
    """
    if len(text) <= limit:
        yield 0, len(text), blocks
        return
    base = 0
    cur: list[Block] = []
    for b in _pieces(text, blocks, limit):
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
    """Table name -> list of row dicts, plus the errors met on the way; `texts` keeps each article's text for
    validating corrections against it (not written)."""

    tables: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    texts: dict[str, str] = field(default_factory=dict)

    def extend(self, other: "Records") -> None:
        """Append another batch's rows."""
        for k, v in other.tables.items():
            self.tables[k].extend(v)
        self.texts.update(other.texts)


class AnnotationError(Exception):
    """One article failed in one step (a pipeline component, a record function or the row check)."""

    def __init__(self, component: str, exc: BaseException) -> None:
        super().__init__(exception_reason(exc))
        self.component = component


class _Prepared(NamedTuple):
    article: Article
    blocks: list[Block]
    chunks: list[tuple[int, int, list[Block]]]
    dateline: dict  # the articles-table dateline columns (dateline.dateline_columns)


_PY_TYPES = {"string": str, "int64": int, "double": (int, float), "bool": bool, "date32[day]": dt.date}


def check_rows(table: str, rows: list[dict]) -> None:
    """Raise TypeError if a row holds a value its column cannot store (so one article, not the writer, fails)."""
    schema = SCHEMAS.get(table)
    if schema is None:
        return
    types = {f.name: _PY_TYPES.get(str(f.type)) for f in schema}
    for r in rows:
        for col, value in r.items():
            want = types.get(col)
            if value is None or want is None:
                continue
            if isinstance(value, bool) and want is not bool:
                raise TypeError(f"{table}.{col} = {value!r} is a bool")
            if not isinstance(value, want) and not (want is int and isinstance(value, np.integer)) \
                    and not (want == (int, float) and isinstance(value, (np.integer, np.floating))):
                raise TypeError(f"{table}.{col} = {value!r:.60} is {type(value).__name__}, "
                                f"not {schema.field(col).type}")
            if want is str:
                value.encode("utf-8")  # a lone surrogate cannot be written: UnicodeEncodeError names it


def _prepare(item: Article, chunk_chars: int) -> _Prepared:
    blocks = segment(item.text, item.id, title=item.title)
    dateline = dateline_columns(item.text, blocks, as_date(item.published))
    return _Prepared(item, blocks, list(_chunks(item.text, blocks, chunk_chars)), dateline)


def _make_doc(nlp: Language, p: _Prepared, chunk: tuple[int, int, list[Block]]) -> Doc:
    base, end, rel = chunk
    doc = make_doc(nlp, p.article.text[base:end], article_id=p.article.id, published=p.article.published,
                   outlet=p.article.outlet)
    doc.user_data["wb_blocks"] = rel
    doc.user_data["wb_base"] = base
    # Every chunk is dated by the article's dateline (ISO text: user_data crosses processes as msgpack).
    doc.user_data["wb_dateline"] = p.dateline["dateline"].isoformat() if p.dateline["dateline"] else ""
    return doc


def _run_one(nlp: Language, p: _Prepared) -> Iterator[Doc]:
    """Annotate one article's chunks component by component, naming the component that fails -> Docs."""
    for chunk in p.chunks:
        try:
            doc = _make_doc(nlp, p, chunk)
        except Exception as exc:
            raise AnnotationError("tokenizer", exc) from exc
        for name, proc in nlp.pipeline:
            try:
                doc = proc(doc)
            except Exception as exc:
                raise AnnotationError(name, exc) from exc
        yield doc


def _doc_rows(doc: Doc, wanted: set[str] | None, into: dict[str, list]) -> None:
    """Add one annotated Doc's rows (offsets shifted back into the article) to `into`, naming a failing step."""
    base = doc.user_data.get("wb_base", 0)
    try:
        into["sentences"].extend(_shift(sentence_records(doc), base))
    except Exception as exc:
        raise AnnotationError("records:sentences", exc) from exc
    local: dict[str, list[dict]] = {}
    for name, func in RECORD_FUNCS.items():
        if wanted is None or name in wanted or (name == "quotes" and "mentions" in wanted):
            try:
                local[name] = [dict(r) if not isinstance(r, dict) else r for r in func(doc)]
            except Exception as exc:
                raise AnnotationError(f"records:{name}", exc) from exc
    if "mentions" in local:
        try:  # whose words each designation is: needs this Doc's quotes and sentences (offsets not yet shifted)
            voice.assign(local["mentions"], local.get("quotes", []), sentence_records(doc), doc_text(doc))
        except Exception as exc:
            raise AnnotationError("records:voice", exc) from exc
    for name, rows in local.items():
        if wanted is None or name in wanted:
            into[name].extend(_shift(rows, base))


def _new_tables(p: _Prepared) -> dict[str, list]:
    tables: dict[str, list] = defaultdict(list)
    tables["articles"].append(article_row(p.article) | p.dateline)
    tables["blocks"].extend(b._asdict() for b in p.blocks)
    return tables


def _commit(p: _Prepared, tables: dict[str, list], out: Records) -> None:
    """Check an article's rows and add them to `out` (or one errors row if a value could not be written)."""
    for table, rows in tables.items():
        try:
            check_rows(table, rows)
        except Exception as exc:
            _fail(p, AnnotationError(f"write:{table}", exc), out)
            return
    for table, rows in tables.items():
        out.tables[table].extend(rows)
    out.texts[p.article.id] = p.article.text


def _fail(p: _Prepared, exc: AnnotationError, out: Records) -> None:
    out.tables["errors"].append(error_row(p.article.source_path, str(exc), article_id=p.article.id,
                                          component=exc.component))


def _piped(batch: list[_Prepared], nlp: Language, batch_size: int) -> Iterator[tuple[int, Doc]]:
    """(article index, annotated Doc) for every chunk of the batch, piped a few Docs at a time: at most
    `batch_size` Docs and about CHUNK_CHARS characters go through the components together, so memory is bounded
    by that, not by the length of an article."""
    sub: list[tuple[int, Doc]] = []
    chars = 0

    def flush() -> Iterator[tuple[int, Doc]]:
        docs = nlp.pipe([d for _, d in sub], batch_size=len(sub))
        yield from zip([i for i, _ in sub], docs, strict=True)

    for i, p in enumerate(batch):
        for chunk in p.chunks:
            size = chunk[1] - chunk[0]
            if sub and (len(sub) >= batch_size or chars + size > CHUNK_CHARS):
                yield from flush()
                sub, chars = [], 0
            sub.append((i, _make_doc(nlp, p, chunk)))
            chars += size
    if sub:
        yield from flush()


def _annotate_batch(batch: list[_Prepared], nlp: Language, out: Records, wanted: set[str] | None,
                    batch_size: int) -> None:
    """Annotate a batch through `nlp.pipe`; if a component fails, again one article at a time to find the
    culprit(s). Rows are taken from each Doc as it comes out, so Docs do not pile up."""
    tables = [_new_tables(p) for p in batch]
    failed: dict[int, AnnotationError] = {}
    try:
        for i, doc in _piped(batch, nlp, batch_size):
            if i not in failed:
                try:
                    _doc_rows(doc, wanted, tables[i])
                except AnnotationError as exc:
                    failed[i] = exc
    except Exception:  # some article broke a component: re-run each alone
        tables, failed = [_new_tables(p) for p in batch], {}
        for i, p in enumerate(batch):
            try:
                for doc in _run_one(nlp, p):
                    _doc_rows(doc, wanted, tables[i])
            except AnnotationError as exc:
                failed[i] = exc
    for i, p in enumerate(batch):
        if i in failed:
            _fail(p, failed[i], out)
        else:
            _commit(p, tables[i], out)


def annotate_articles(items: Iterable[Article | ReadError], nlp: Language, *, batch_size: int = 32,
                      chunk_chars: int = CHUNK_CHARS, tables: tuple[str, ...] | None = None) -> Records:
    """Annotate a stream of articles (ReadErrors pass through to `errors`) -> Records of every table.

    An exception in block segmentation, a pipeline component, a record function or the row check for one article
    becomes one `errors` row (source path, article id, component, 'Type: message') and the article is left out of
    every table; every other article goes through. Batches are piped as usual; a failing batch is re-run one
    article at a time, component by component, to name the culprit.
    """
    out = Records()
    wanted = set(tables) if tables else None
    batch: list[_Prepared] = []
    for item in items:
        if isinstance(item, ReadError):
            out.tables["errors"].append(error_row(item.source_path, item.reason, component="read"))
            continue
        try:
            batch.append(_prepare(item, chunk_chars))
        except Exception as exc:  # a pathological text must not stop the corpus
            out.tables["errors"].append(error_row(item.source_path, exception_reason(exc), article_id=item.id,
                                                  component="wb_blocks"))
            continue
        if sum(len(p.chunks) for p in batch) >= batch_size or sum(len(p.article.text) for p in batch) > CHUNK_CHARS:
            _annotate_batch(batch, nlp, out, wanted, batch_size)
            batch = []
    if batch:
        _annotate_batch(batch, nlp, out, wanted, batch_size)
    return out
