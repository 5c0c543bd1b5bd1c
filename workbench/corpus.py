"""Read a corpus (folder of .txt, .jsonl file, .csv file) into `Article` records, streaming.

Text is decoded as UTF-8 and kept exactly as read: no newline translation, no Unicode normalisation, a BOM stays
the first character. Every offset in every table indexes that string.

Bad inputs never stop a run: each one becomes a `ReadError(source_path, reason)` in the same stream, and every good
article still goes through. Readers hold one record at a time, so a corpus larger than memory streams.

One `errors` row each: empty file; whitespace (or a lone BOM) only; NUL bytes anywhere (binary); invalid UTF-8
(byte offset given); a .txt file gone between listing and reading; anything but a regular file (FIFO, device,
socket: refused without opening it for a blocking read); an article over the size cap ($WORKBENCH_MAX_ARTICLE_MB,
default 64: a .txt file, a JSONL line or a CSV cell); a folder that cannot be listed; a malformed, non-object,
too deeply nested, text-less, id-less or badly dated JSONL line (`path:line`); a field that is a list, object or
boolean, or holds a lone surrogate (numbers are written out as text); a CSV without id/text columns, or a row with
bad bytes, extra cells, no text or a quote not closed where CSV expects (`path:row N`; the lines it would have
swallowed are read as rows of their own); a duplicate id (the first is kept); metadata rows with bad bytes, bad
quoting or bad dates (kept, date empty), duplicate or unknown ids. Handled without an error: `.TXT` in any case; a
BOM stays in a .txt text (offsets count it; a JSONL/CSV file BOM is not text); CRLF stays in the text (a block ends
before its CR); newlines inside a quoted CSV cell are text; very long articles and lines are annotated in chunks
(annotate/run.py).
"""
from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .extract import HTML_SUFFIXES, extract_html, extractor_version, looks_like_html

OPTIONAL_FIELDS = ("outlet", "published", "url", "title")
BINARY_SNIFF_BYTES = 8192
_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by errors="surrogateescape"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may spell them ("\\ud800"); UTF-8 cannot store them
TEXT_SUFFIXES = (".txt", *HTML_SUFFIXES)  # compared lower-cased: A.TXT is read too; pages go through trafilatura
# One article (a .txt file, a JSONL line, a CSV row) larger than this is an error row, not a MemoryError.
MAX_BYTES_ENV = "WORKBENCH_MAX_ARTICLE_MB"
DEFAULT_MAX_ARTICLE_MB = 64


def max_article_bytes() -> int:
    """The size cap of one article in bytes: $WORKBENCH_MAX_ARTICLE_MB (default 64) MiB -> int."""
    try:
        mb = float(os.environ.get(MAX_BYTES_ENV) or DEFAULT_MAX_ARTICLE_MB)
    except ValueError:
        mb = DEFAULT_MAX_ARTICLE_MB
    return max(1, int(mb * 2**20))


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


def _field(rec: dict, name: str) -> str | None:
    """A record's field as text: strings kept, numbers written out, None/'' -> None; ValueError for the rest."""
    value = rec.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"field {name!r} is a {type(value).__name__} ({_preview(value)}), not text")
    if isinstance(value, float):
        if math.isnan(value):
            return None  # an empty spreadsheet cell read as NaN
        if not math.isfinite(value):
            raise ValueError(f"field {name!r} is {value!r}, not text")
    text = str(value)
    hit = _LONE_SURROGATE.search(text)
    if hit:
        raise ValueError(f"field {name!r} holds a lone surrogate U+{ord(hit.group()):04X} at character {hit.start()} "
                         "(not encodable text)")
    return text


def _preview(value: object) -> str:
    s = repr(value)
    return s if len(s) <= 40 else s[:37] + "..."


def _check_text(text: object) -> str:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        raise ValueError("missing text")
    if not isinstance(text, str):
        raise ValueError(f"text is {type(text).__name__}, not a string")
    text = _field({"text": text}, "text")
    if not text.strip():
        raise ValueError("empty text")
    if "\x00" in text:
        raise ValueError("text contains NUL characters")
    return text


def _article_from_record(rec: dict, source: str) -> Article:
    """Build an Article from a JSONL/CSV record with id, text and optional metadata; ValueError if unusable.

    Every field is type-checked: strings are kept, numbers are written out as text; lists, objects, booleans and
    strings with lone surrogates are refused with the field's name (one record, not the run).
    """
    rid = _field(rec, "id")
    if rid is None or rid.strip() == "":
        raise ValueError("missing id")
    if not rec.get("text") and rec.get("html"):
        # A saved page: the stored text is trafilatura's extraction; the record's own fields win over the page's.
        page = extract_html(_field(rec, "html") or "", url=_field(rec, "url"))
        page["published"] = page["published"].isoformat() if page["published"] else None
        rec = {**{k: v for k, v in page.items() if v is not None}, **{k: v for k, v in rec.items() if v},
               "text": page["text"], "extractor": extractor_version()}
        rec.pop("html")
    text = _check_text(rec.get("text"))
    fields = {name: (_field(rec, name) or None) for name in OPTIONAL_FIELDS}
    try:
        published = parse_date(fields["published"])
    except ValueError:
        raise ValueError(f"bad published date {rec.get('published')!r} (expected YYYY-MM-DD)") from None
    extra = {k: v for k, v in rec.items() if k not in ("id", "text", *OPTIONAL_FIELDS)}
    return Article(id=rid.strip(), text=text, source_path=source, outlet=fields["outlet"], published=published,
                   url=fields["url"], title=fields["title"], extra=extra)


def open_regular(path: Path, mode: str = "rb", **kw):
    """Open `path` only if it is a regular file (never blocks on a FIFO or reads a device) -> file object.

    Raises:
        OSError: cannot be opened, or is not a regular file (the reason names its kind).
    """
    # O_NONBLOCK: opening a FIFO without a writer would otherwise hang; the fstat below refuses it anyway.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_file_kind(st.st_mode)})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, mode, **kw)
    except BaseException:
        os.close(fd)
        raise


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a file"


def read_text_file(path: Path, *, max_bytes: int | None = None) -> str:
    """A regular file's text (UTF-8, exactly as read), at most `max_bytes` -> str; ValueError/OSError if not."""
    limit = max_bytes or max_article_bytes()
    with open_regular(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"file larger than the size cap of {limit} bytes ({MAX_BYTES_ENV} raises it)")
    return decode_bytes(data)


def _walk(folder: Path, seen: set) -> Iterator[Path | ReadError]:
    """Files under `folder` (sorted, recursive, symlinked folders followed once), a ReadError per unreadable one."""
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in seen:
            return  # a symlink loop, or a folder reached twice
        seen.add((st.st_dev, st.st_ino))
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield ReadError(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, seen)
        elif path.suffix.lower() in TEXT_SUFFIXES:
            yield path


def read_txt_folder(folder: Path, *, max_bytes: int | None = None) -> Iterator[Article | ReadError]:
    """Yield an Article per .txt file (or saved .html/.htm page) under `folder` (recursive, sorted, any case of the
    suffix), or a ReadError per bad file or unreadable folder."""
    for path in _walk(Path(folder), set()):
        if isinstance(path, ReadError):
            yield path
            continue
        try:
            article = _file_article(path, read_text_file(path, max_bytes=max_bytes))
        except OSError as exc:  # vanished, unreadable, or not a regular file
            yield ReadError(str(path), f"cannot read file: {exc.strerror or exc}")
            continue
        except ValueError as exc:
            yield ReadError(str(path), str(exc))
            continue
        yield article


def _file_article(path: Path, text: str) -> Article:
    """An Article from a file's text; a saved page (.html/.htm) is trafilatura's main text with the title, date,
    site and URL it finds (ValueError if it finds no article text)."""
    if not looks_like_html(path.name):
        return Article(id=path.stem, text=text, source_path=str(path))
    page = extract_html(text)
    return Article(id=path.stem, text=page["text"], source_path=str(path), outlet=page["outlet"],
                   published=page["published"], url=page["url"], title=page["title"],
                   extra={"extractor": extractor_version()})


def _bounded_lines(fh, limit: int) -> Iterator[tuple[bytes, bool]]:
    """Lines of a binary file, each at most `limit` bytes -> (line, too_long); a longer line is skipped to its end."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drop the rest of the line without holding it
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield b"", True
            continue
        yield line, False


def read_jsonl(path: Path, *, max_bytes: int | None = None) -> Iterator[Article | ReadError]:
    """Yield an Article per JSON line {id, text, outlet?, published?, url?, title?}, or a ReadError per bad line."""
    path = Path(path)
    limit = max_bytes or max_article_bytes()
    try:
        fh = open_regular(path)
    except OSError as exc:
        yield ReadError(str(path), f"cannot read file: {exc.strerror or exc}")
        return
    with fh:
        for line_no, (raw, too_long) in enumerate(_bounded_lines(fh, limit), start=1):
            where = f"{path}:{line_no}"
            if too_long:
                yield ReadError(where, f"line larger than the size cap of {limit} bytes ({MAX_BYTES_ENV} raises it)")
                continue
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
            except RecursionError:
                yield ReadError(where, "JSON nested too deeply to read")
                continue
            if not isinstance(rec, dict):
                yield ReadError(where, "JSON line is not an object")
                continue
            try:
                yield _article_from_record(rec, where)
            except ValueError as exc:
                yield ReadError(where, str(exc))


class _RecordLines:
    """The lines of a text file, remembering those the CSV reader took for the current record, so a record that
    turns out malformed can be reported and its lines after the first read again as records of their own."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.pending: list[str] = []
        self.taken: list[str] = []
        self.line_no = 0  # lines handed out so far

    def __iter__(self) -> "_RecordLines":
        return self

    def __next__(self) -> str:
        line = self.pending.pop() if self.pending else self.fh.readline()
        if not line:
            raise StopIteration
        self.line_no += 1
        self.taken.append(line)
        return line

    def start_record(self) -> int:
        """Forget the lines of the record just read -> the line number the next record starts on."""
        self.taken = []
        return self.line_no + 1

    def replay_after_first(self) -> None:
        """Give back every line of the current record but its first (read them again as new records)."""
        back = self.taken[1:]
        self.pending.extend(reversed(back))
        self.line_no -= len(back)
        self.taken = []


def csv_records(fh, where: str) -> Iterator[tuple[str, dict | None, str | None]]:
    """Rows of a CSV text file as (where, {column: cell}, None) or (where, None, reason) for a malformed row.

    strict parsing: a quote left open (or text after a closing quote) is reported on the row it starts on, and the
    lines it would have swallowed are read again as rows of their own, instead of being merged into one cell.
    """
    lines = _RecordLines(fh)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield f"{where}:line 1", None, f"unreadable CSV header: {exc}"
        return
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    yield where, {"__header__": header}, None
    row_no = 1  # the header is row 1; blank rows are not counted (as csv.DictReader does)
    while True:
        first = lines.start_record()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row_no += 1
            n = len(lines.taken)
            lines.replay_after_first()
            reader = csv.reader(lines, strict=True)
            yield f"{where}:row {row_no}", None, (
                f"malformed CSV record at line {first} ({exc}): a quote in it is not closed where CSV expects; "
                f"the {n - 1} line(s) read with it are read again as records of their own, not merged into it")
            continue
        if not cells:  # a blank line between records
            continue
        row_no += 1
        here = f"{where}:row {row_no}"
        if len(cells) > len(header):
            yield here, None, "row has more cells than the header"
            continue
        yield here, dict(zip(header, cells)), None


def read_csv(path: Path, *, max_bytes: int | None = None) -> Iterator[Article | ReadError]:
    """Yield an Article per CSV row (columns id, text, optional outlet/published/url/title), or ReadErrors."""
    path = Path(path)
    limit = max_bytes or max_article_bytes()
    try:
        # surrogateescape: one row with bad bytes becomes one error row instead of ending the file.
        fh = open_regular(path, "r", encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as exc:
        yield ReadError(str(path), f"cannot read CSV: {exc.strerror or exc}")
        return
    old_limit = csv.field_size_limit(min(limit, 2**31 - 1))
    try:
        with fh:
            columns: list[str] = []
            for where, rec, reason in csv_records(fh, str(path)):
                if rec is not None and "__header__" in rec:
                    columns = rec["__header__"]
                    missing = [c for c in ("id", "text") if c not in columns
                               and not (c == "text" and "html" in columns)]
                    if missing:
                        yield ReadError(str(path), f"CSV lacks required column(s) {', '.join(missing)}; has {columns}")
                        return
                    continue
                if reason is not None:
                    yield ReadError(where, reason)
                    continue
                if any(_SURROGATE.search(v) for v in rec.values()):
                    yield ReadError(where, "invalid UTF-8 in row")
                    continue
                try:
                    yield _article_from_record(rec, where)
                except ValueError as exc:
                    yield ReadError(where, str(exc))
    finally:
        csv.field_size_limit(old_limit)


def read_corpus(path: str | Path, *, max_bytes: int | None = None) -> Iterator[Article | ReadError]:
    """Dispatch on the corpus kind (folder, .jsonl, .csv, single .txt; any case) -> stream of Article | ReadError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        yield from read_txt_folder(path, max_bytes=max_bytes)
    elif suffix in (".jsonl", ".ndjson"):
        yield from read_jsonl(path, max_bytes=max_bytes)
    elif suffix == ".csv":
        yield from read_csv(path, max_bytes=max_bytes)
    elif suffix in TEXT_SUFFIXES and path.exists():
        try:
            yield _file_article(path, read_text_file(path, max_bytes=max_bytes))
        except OSError as exc:
            yield ReadError(str(path), f"cannot read file: {exc.strerror or exc}")
        except ValueError as exc:
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
        fh = open_regular(path, "r", encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as exc:
        return meta, [ReadError(str(path), f"cannot read metadata: {exc.strerror or exc}")]
    with fh:
        for where, row, reason in csv_records(fh, str(path)):
            if row is not None and "__header__" in row:
                if "article_id" not in row["__header__"]:
                    has = row["__header__"]
                    return meta, [ReadError(str(path), f"metadata CSV lacks column article_id; has {has}")]
                continue
            if reason is not None:
                errors.append(ReadError(where, reason))
                continue
            if any(_SURROGATE.search(v) for v in row.values()):
                errors.append(ReadError(where, "invalid UTF-8 in metadata row (not UTF-8 text); row skipped"))
                continue
            aid = (row.get("article_id") or "").strip()
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
