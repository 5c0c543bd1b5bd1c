"""Read a corpus (folder of .txt, .jsonl file, .csv file) into `Article` records, streaming.

Text is decoded as UTF-8 and kept exactly as read: no newline translation, no Unicode normalisation, a BOM stays
the first character. Every offset in every table indexes that string.

Bad inputs never stop a run: each one becomes a `ReadError(source_path, reason)` in the same stream, and every good
article still goes through. Readers hold one record at a time, so a corpus larger than memory streams.

One `errors` row each: empty file; whitespace (or a lone BOM) only; NUL bytes anywhere (binary); invalid UTF-8
(byte offset given); a .txt file gone between listing and reading; a malformed, non-object, text-less, id-less or
badly dated JSONL line (`path:line`); a CSV without id/text columns, or a row with bad bytes, extra cells or no text
(`path:row N`); a duplicate id (the first is kept); metadata rows with bad dates (kept, date empty), duplicate or
unknown ids. Handled without an error: a BOM stays in a .txt text (offsets count it; a JSONL/CSV file BOM is not
text); CRLF stays in the text (a block ends before its CR); newlines inside a quoted CSV cell are text; very long
articles and lines are annotated in line-aligned chunks (annotate/run.py).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

OPTIONAL_FIELDS = ("outlet", "published", "url", "title")
BINARY_SNIFF_BYTES = 8192
_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by errors="surrogateescape"
# CSV cells may hold whole articles; the stdlib default (128 KiB) rejects long ones.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Article:
    """One article: its id, the exact text as read, curated metadata and where it came from."""

    id: str
    text: str
    source_path: str
    outlet: str | None = None
    published: dt.date | None = None
    url: str | None = None
    title: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the UTF-8 encoded text (keys corrections to the exact text they were made on)."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def n_words(self) -> int:
        """Number of whitespace-separated tokens."""
        return len(self.text.split())


class ReadError(NamedTuple):
    """An input that could not be read, or was read only in part (a row of the `errors` table)."""

    source_path: str
    reason: str


def parse_date(value: object) -> dt.date | None:
    """Parse an ISO date (YYYY-MM-DD, or a datetime starting with one) -> date; None for empty; ValueError if bad."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    if not s:
        return None
    return dt.date.fromisoformat(s[:10])


def decode_bytes(data: bytes) -> str:
    """Decode file bytes as UTF-8 exactly as read -> str; ValueError with a readable reason if not text."""
    if not data:
        raise ValueError("empty file")
    if b"\x00" in data[:BINARY_SNIFF_BYTES] or b"\x00" in data:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"invalid UTF-8 at byte {exc.start}: {exc.reason}") from None
    if not text.replace("\ufeff", "").strip():
        raise ValueError("no text (whitespace only)")
    return text


def _check_text(text: object) -> str:
    if text is None or (isinstance(text, float)):
        raise ValueError("missing text")
    if not isinstance(text, str):
        raise ValueError(f"text is {type(text).__name__}, not a string")
    if not text.strip():
        raise ValueError("empty text")
    if "\x00" in text:
        raise ValueError("text contains NUL characters")
    return text


def _article_from_record(rec: dict, source: str) -> Article:
    """Build an Article from a JSONL/CSV record with id, text and optional metadata; ValueError if unusable."""
    rid = rec.get("id")
    if rid is None or str(rid).strip() == "":
        raise ValueError("missing id")
    text = _check_text(rec.get("text"))
    try:
        published = parse_date(rec.get("published"))
    except ValueError:
        raise ValueError(f"bad published date {rec.get('published')!r} (expected YYYY-MM-DD)") from None
    extra = {k: v for k, v in rec.items() if k not in ("id", "text", *OPTIONAL_FIELDS)}
    return Article(
        id=str(rid).strip(),
        text=text,
        source_path=source,
        outlet=(rec.get("outlet") or None),
        published=published,
        url=(rec.get("url") or None),
        title=(rec.get("title") or None),
        extra=extra,
    )


def read_txt_folder(folder: Path) -> Iterator[Article | ReadError]:
    """Yield an Article per .txt file under `folder` (recursive, sorted paths), or a ReadError per bad file."""
    for path in sorted(p for p in Path(folder).rglob("*.txt")):
        if path.is_dir():  # a folder named like a .txt file; a file gone since the listing is reported below
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:  # vanished or unreadable between listing and reading
            yield ReadError(str(path), f"cannot read file: {exc.strerror or exc}")
            continue
        try:
            text = decode_bytes(data)
        except ValueError as exc:
            yield ReadError(str(path), str(exc))
            continue
        yield Article(id=path.stem, text=text, source_path=str(path))


def read_jsonl(path: Path) -> Iterator[Article | ReadError]:
    """Yield an Article per JSON line {id, text, outlet?, published?, url?, title?}, or a ReadError per bad line."""
    path = Path(path)
    with open(path, "rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            where = f"{path}:{line_no}"
            if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a file BOM, not part of the first record
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield ReadError(where, f"invalid UTF-8 at byte {exc.start}")
                continue
            except json.JSONDecodeError as exc:
                yield ReadError(where, f"malformed JSON: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(rec, dict):
                yield ReadError(where, "JSON line is not an object")
                continue
            try:
                yield _article_from_record(rec, where)
            except ValueError as exc:
                yield ReadError(where, str(exc))


def read_csv(path: Path) -> Iterator[Article | ReadError]:
    """Yield an Article per CSV row (columns id, text, optional outlet/published/url/title), or ReadErrors."""
    path = Path(path)
    try:
        # utf-8-sig: a spreadsheet's BOM belongs to the file, not to the first column name. surrogateescape: one row
        # with bad bytes becomes one error row instead of ending the file (the decoder cannot resume otherwise).
        fh = open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.DictReader(fh)
        columns = reader.fieldnames or []
    except (UnicodeDecodeError, OSError) as exc:
        yield ReadError(str(path), f"cannot read CSV: {exc}")
        return
    with fh:
        missing = [c for c in ("id", "text") if c not in columns]
        if missing:
            yield ReadError(str(path), f"CSV lacks required column(s) {', '.join(missing)}; has {columns}")
            return
        row_no = 1
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except (UnicodeDecodeError, csv.Error) as exc:
                yield ReadError(f"{path}:row {row_no + 1}", f"unreadable CSV row: {exc}")
                break  # the decoder cannot resynchronise reliably after this
            row_no += 1
            where = f"{path}:row {row_no}"
            if None in rec:  # more cells than header columns
                yield ReadError(where, "row has more cells than the header")
                continue
            if any(isinstance(v, str) and _SURROGATE.search(v) for v in rec.values()):
                yield ReadError(where, "invalid UTF-8 in row")
                continue
            try:
                yield _article_from_record(rec, where)
            except ValueError as exc:
                yield ReadError(where, str(exc))


def read_corpus(path: str | Path) -> Iterator[Article | ReadError]:
    """Dispatch on the corpus kind (folder, .jsonl, .csv, single .txt) -> stream of Article | ReadError."""
    path = Path(path)
    if path.is_dir():
        yield from read_txt_folder(path)
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from read_jsonl(path)
    elif path.suffix.lower() == ".csv":
        yield from read_csv(path)
    elif path.suffix.lower() == ".txt" and path.is_file():
        try:
            yield Article(id=path.stem, text=decode_bytes(path.read_bytes()), source_path=str(path))
        except (ValueError, OSError) as exc:
            yield ReadError(str(path), str(exc))
    elif not path.exists():
        yield ReadError(str(path), "corpus path does not exist")
    else:
        yield ReadError(str(path), "unsupported corpus kind (expected a folder of .txt, a .jsonl or a .csv file)")


def load_metadata(path: str | Path) -> tuple[dict[str, dict], list[ReadError]]:
    """Read a metadata CSV (article_id, outlet, published, url, title?) -> ({id: fields}, errors for bad rows)."""
    path = Path(path)
    meta: dict[str, dict] = {}
    errors: list[ReadError] = []
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        return meta, [ReadError(str(path), f"cannot read metadata: {exc.strerror or exc}")]
    with fh:
        reader = csv.DictReader(fh)
        if "article_id" not in (reader.fieldnames or []):
            return meta, [ReadError(str(path), f"metadata CSV lacks column article_id; has {reader.fieldnames}")]
        for row_no, row in enumerate(reader, start=2):
            aid = (row.get("article_id") or "").strip()
            where = f"{path}:row {row_no}"
            if not aid:
                errors.append(ReadError(where, "metadata row without article_id"))
                continue
            fields = {k: (row.get(k) or "").strip() or None for k in OPTIONAL_FIELDS if k in row}
            try:
                fields["published"] = parse_date(fields.get("published"))
            except ValueError:
                errors.append(ReadError(where, f"bad published date {row.get('published')!r}; left empty"))
                fields["published"] = None
            if aid in meta:
                errors.append(ReadError(where, f"duplicate metadata for article_id {aid}; first row kept"))
                continue
            meta[aid] = fields
    return meta, errors


def iter_articles(
    corpus: str | Path, *, meta: str | Path | dict | None = None
) -> Iterator[Article | ReadError]:
    """Stream a corpus with metadata joined on article_id and duplicate ids rejected -> Article | ReadError.

    Curated metadata (from `meta`) wins over fields carried in the records. Metadata ids never seen in the corpus
    are reported as ReadErrors at the end of the stream.
    """
    meta_rows: dict[str, dict] = {}
    if isinstance(meta, dict):
        meta_rows = meta
    elif meta is not None:
        meta_rows, errs = load_metadata(meta)
        yield from errs
    seen: dict[str, str] = {}
    for item in read_corpus(corpus):
        if isinstance(item, ReadError):
            yield item
            continue
        if item.id in seen:
            yield ReadError(item.source_path, f"duplicate article id {item.id!r} (first read from {seen[item.id]}); skipped")
            continue
        seen[item.id] = item.source_path
        for key, value in meta_rows.get(item.id, {}).items():
            if value is not None:
                setattr(item, key, value)
        yield item
    if meta is not None and not isinstance(meta, dict):
        for aid in sorted(set(meta_rows) - set(seen)):
            yield ReadError(str(meta), f"metadata for unknown article_id {aid!r} (not in the corpus)")


def split_stream(items: Iterable[Article | ReadError]) -> tuple[list[Article], list[ReadError]]:
    """Materialise a stream into (articles, errors); for small corpora and tests only."""
    arts: list[Article] = []
    errs: list[ReadError] = []
    for it in items:
        (errs if isinstance(it, ReadError) else arts).append(it)
    return arts, errs
