"""Researchers' corrections of annotation rows, kept append-only and applied after every annotation run.

A correction names one row by (table, article_id, start, end) and the sha256 of the article text it was made on,
and says what to do with it: `correct` (change some columns), `delete` (a false row) or `add` (a missed span).
Corrections live in `data/corrections/*.csv` (one row per correction, columns `CSV_COLUMNS`), which researchers edit
by hand or append to with `correct()`, `delete()` and `add()`; the pipeline only ever reads them.

`apply_to_records` runs after annotation (annotate/write.py, scale.py). Rows it touched say so (`corrected`,
`correction_id`); each application is logged in `corrections_applied` (with the row before, so the raw tables can be
rebuilt for `workbench evaluate --raw`); a correction that cannot be applied (article text changed, row no longer
annotated, malformed) becomes a `corrections_conflicts` row and a warning, never a silent drop.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from .config import CORRECTIONS_DIR, PROJ_ROOT
from .corpus import Article, csv_records, open_regular, read_corpus
from .tables import ANNOTATION_TABLES, SCHEMAS, read_table, sort_keys

_BAD_BYTES = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
CSV_COLUMNS = ("correction_id", "created", "author", "action", "table", "article_id", "start", "end", "sha256",
               "surface", "values", "note")
ACTIONS = ("correct", "delete", "add")
CORRECTABLE = ("blocks", *ANNOTATION_TABLES)  # blocks first: added rows take their block_kind from corrected blocks
KEY = ("article_id", "start", "end")
PROTECTED = frozenset({*KEY, "corrected", "correction_id", "block_id", "line_no"})
SURFACE_COLUMN = {"mentions": "surface", "entities": "text", "quotes": "text", "figures": "text", "timex": "text"}
REQUIRED_ON_ADD = {"mentions": ("term", "actor"), "entities": ("label",), "quotes": (), "figures": ("value", "what"),
                   "timex": ("type", "value")}
DEFAULT_FILE = "corrections.csv"
# Columns recomputed from blocks/sentences for added rows rather than typed in by the researcher.
BLOCK_KIND_TABLES = ("sentences", "mentions", "quotes")
SENT_TABLES = ("mentions", "figures", "timex")


class CorrectionConflictWarning(UserWarning):
    """Some corrections could not be applied (see the `corrections_conflicts` table)."""


class Correction(NamedTuple):
    """One correction as read from a corrections CSV."""

    correction_id: str
    action: str
    table: str
    article_id: str
    start: int
    end: int
    sha256: str
    surface: str | None
    values: dict
    source: str  # file:row, so a conflict points at the line to fix
    note: str | None = None


# --------------------------------------------------------------------------------------------- reading corrections

def parse_values(cell: object) -> dict:
    """A `values` cell -> dict: a JSON object, or `column=value; column=value` for hand editing ('' -> {})."""
    s = "" if cell is None or (isinstance(cell, float) and pd.isna(cell)) else str(cell).strip()
    if not s:
        return {}
    if s.startswith("{"):
        out = json.loads(s)
        if not isinstance(out, dict):
            raise ValueError("values JSON is not an object")
        return out
    out = {}
    for part in s.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"cannot read {part.strip()!r} (expected column=value)")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def coerce_value(table: str, column: str, value: object) -> object:
    """Cast a typed-in value to the column's type in the table schema -> value (None for '' / null)."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "null", "none")):
        return None
    schema = SCHEMAS.get(table)
    typ = schema.field(column).type if schema is not None and column in schema.names else pa.string()
    if pa.types.is_integer(typ):
        return int(value)
    if pa.types.is_floating(typ):
        return float(value)
    if pa.types.is_boolean(typ):
        return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes")
    return str(value)


def _content_id(row: Mapping) -> str:
    key = "|".join(str(row.get(c) or "") for c in CSV_COLUMNS if c not in ("correction_id", "created"))
    return "h-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _validate(c: Correction) -> None:
    if c.action not in ACTIONS:
        raise ValueError(f"unknown action {c.action!r} (expected one of {', '.join(ACTIONS)})")
    if c.table not in CORRECTABLE:
        raise ValueError(f"table {c.table!r} cannot be corrected (one of {', '.join(CORRECTABLE)})")
    if not c.sha256:
        raise ValueError("no sha256: a correction must name the article version it was made on (articles table)")
    if c.end < c.start:
        raise ValueError("end before start")
    bad = sorted(set(c.values) & PROTECTED)
    if bad:
        raise ValueError(f"cannot change {', '.join(bad)}: delete the row and add the right span instead")
    unknown = sorted(set(c.values) - set(SCHEMAS[c.table].names))
    if unknown:
        raise ValueError(f"table {c.table} has no column(s) {', '.join(unknown)}")
    if c.table == "blocks" and c.action != "correct":
        raise ValueError("blocks cover every line exactly once: correct a block's kind, do not add or delete blocks")
    if c.action == "correct" and not c.values:
        raise ValueError("a 'correct' needs at least one column=value")
    if c.action == "add":
        missing = [k for k in REQUIRED_ON_ADD[c.table] if c.values.get(k) in (None, "")]
        if missing:
            raise ValueError(f"an added {c.table} row needs {', '.join(missing)}")
        if c.surface is None or len(c.surface) != c.end - c.start:
            raise ValueError("an added row needs its surface text (text[start:end])")


def _from_csv_row(row: Mapping, source: str) -> Correction:
    def blank(v: object) -> str | None:
        return None if v is None or str(v) == "" else str(v)

    table = (row.get("table") or "").strip()
    values = {k: coerce_value(table, k, v) for k, v in parse_values(row.get("values")).items()}
    c = Correction(
        correction_id=(row.get("correction_id") or "").strip() or _content_id(row),
        action=(row.get("action") or "").strip().lower(), table=table,
        article_id=(row.get("article_id") or "").strip(), start=int(row["start"]), end=int(row["end"]),
        sha256=(row.get("sha256") or "").strip().lower(), surface=blank(row.get("surface")), values=values,
        source=source, note=blank(row.get("note")),
    )
    _validate(c)
    return c


def conflict_row(c: Correction | Mapping, reason: str) -> dict:
    """A row of the `corrections_conflicts` table for a correction (or a raw CSV row) that could not be applied."""
    get = c._asdict().get if isinstance(c, Correction) else c.get

    def num(v: object) -> int | None:
        try:
            return int(v)
        except (TypeError, ValueError):
            return None

    return {"correction_id": get("correction_id") or None, "source": get("source"), "table": get("table") or None,
            "article_id": get("article_id") or None, "start": num(get("start")), "end": num(get("end")),
            "action": get("action") or None, "reason": reason}


def load_corrections(corrections_dir: str | Path | None = None) -> tuple[list[Correction], list[dict]]:
    """Read every `*.csv` in the folder (sorted, rows in file order) -> (corrections, conflict rows for bad rows)."""
    folder = Path(corrections_dir) if corrections_dir else CORRECTIONS_DIR
    out: list[Correction] = []
    bad: list[dict] = []
    if not folder.is_dir():
        return out, bad
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv"):
        try:
            fh = open_regular(path, "r", encoding="utf-8", errors="surrogateescape", newline="")
        except OSError as exc:  # a folder named x.csv, a FIFO, an unreadable file
            bad.append(conflict_row({"source": str(path)}, f"cannot read corrections file: {exc.strerror or exc}"))
            continue
        with fh:
            for where, row, reason in csv_records(fh, str(path)):
                source = where.replace(":row ", ":")
                if row is not None and "__header__" in row:
                    missing = [c for c in ("action", "table", "article_id", "start", "end", "sha256")
                               if c not in row["__header__"]]
                    if missing:
                        bad.append(conflict_row({"source": str(path)},
                                                f"corrections file lacks column(s) {', '.join(missing)}"))
                        break
                    continue
                if reason is not None:
                    bad.append(conflict_row({"source": source}, f"malformed correction: {reason}"))
                    continue
                if not any((v or "").strip() for v in row.values()):
                    continue
                if any(_BAD_BYTES.search(v) for v in row.values()):
                    bad.append(conflict_row({"source": source}, "malformed correction: not UTF-8 text (bad bytes)"))
                    continue
                try:
                    out.append(_from_csv_row(row, source))
                except (ValueError, TypeError, KeyError) as exc:
                    bad.append(conflict_row({**row, "source": source}, f"malformed correction: {exc}"))
    return out, bad


# --------------------------------------------------------------------------------------------- applying them

def _containing(spans: list[tuple[int, int, object]], char: int) -> tuple[int, int, object] | None:
    for s, e, v in spans:
        if s <= char < e or (s == e == char):
            return s, e, v
    return None


def _fill_context(table: str, row: dict, blocks: list[tuple[int, int, object]],
                  sents: list[tuple[int, int, object]]) -> str | None:
    """Fill an added row's block_kind / sent_* from the article's blocks and sentences -> a conflict reason or None."""
    if table in BLOCK_KIND_TABLES and "block_kind" in SCHEMAS[table].names:
        hit = _containing(blocks, row["start"])
        row["block_kind"] = hit[2] if hit else None
    sent = _containing(sents, row["start"])
    if table in SENT_TABLES:
        row["sent_start"], row["sent_end"] = (sent[0], sent[1]) if sent else (None, None)
    surface = row.get(SURFACE_COLUMN.get(table, ""), None)
    if sent and surface is not None and row["end"] <= sent[1]:
        if sent[2][row["start"] - sent[0]: row["end"] - sent[0]] != surface:
            return f"surface {surface!r} is not the text at {row['start']}-{row['end']}"
    return None


def _article_context(tables: Mapping[str, list], article_ids: set[str]) -> tuple[dict, dict]:
    blocks: dict[str, list] = defaultdict(list)
    sents: dict[str, list] = defaultdict(list)
    for b in tables.get("blocks", []):
        if b["article_id"] in article_ids:
            blocks[b["article_id"]].append((b["start"], b["end"], b["kind"]))
    for s in tables.get("sentences", []):
        if s["article_id"] in article_ids:
            sents[s["article_id"]].append((s["start"], s["end"], s["text"]))
    return blocks, sents


def _jsonable(rows: list[dict]) -> str:
    return json.dumps(rows, sort_keys=True, default=str, ensure_ascii=False)


def _propagate_block_kinds(tables: dict[str, list], changed: list[dict]) -> None:
    """A corrected block kind also holds for the sentences, mentions and quotes inside that block."""
    by_article: dict[str, list] = defaultdict(list)
    for b in changed:
        by_article[b["article_id"]].append((b["start"], b["end"], b["kind"]))
    for table in BLOCK_KIND_TABLES:
        for r in tables.get(table, []):
            hit = by_article.get(r["article_id"]) and _containing(by_article[r["article_id"]], r["start"])
            if hit:
                r["block_kind"] = hit[2]


def text_problem(c: Correction, text: str | None, n_chars: int | None) -> str | None:
    """Why a correction does not fit the article it names (offsets outside it, surface not its text) -> or None."""
    n = len(text) if text is not None else n_chars
    if c.start < 0 or (n is not None and c.end > n):
        return f"span {c.start}-{c.end} is outside the article ({n} characters)"
    if text is not None and c.surface is not None and text[c.start:c.end] != c.surface:
        return f"surface {c.surface!r:.80} is not the text at {c.start}-{c.end} ({text[c.start:c.end]!r:.80})"
    return None


def apply_corrections(tables: dict[str, list], corrections: Iterable[Correction], *,
                      report_unknown_articles: bool = True,
                      texts: Mapping[str, str] | None = None) -> tuple[list[dict], list[dict]]:
    """Apply corrections in order to table rows (lists of dicts, changed in place) -> (applied rows, conflict rows).

    Every row of a correctable table gets `corrected` (bool) and `correction_id` (comma-joined ids, or None).
    Corrections for articles absent from `tables["articles"]` are conflicts unless `report_unknown_articles` is
    False (a partition of a larger run sees only its own articles). Each correction is first checked against the
    article (`texts`, else its length from `articles`): offsets inside it and `surface` equal to text[start:end],
    so no correction can break the offsets invariant. `seq` is the correction's place on file, the same whichever
    partition applies it.
    """
    corrections = list(corrections)
    order = {id(c): i for i, c in enumerate(corrections)}
    sha = {a["article_id"]: a["sha256"] for a in tables.get("articles", [])}
    n_chars = {a["article_id"]: a.get("n_chars") for a in tables.get("articles", [])}
    texts = texts or {}
    for table in CORRECTABLE:
        for r in tables.get(table, []):
            r.setdefault("corrected", False)
            r.setdefault("correction_id", None)
    applied: list[dict] = []
    conflicts: list[dict] = []
    live = []
    for c in corrections:
        if c.article_id not in sha:
            if report_unknown_articles:
                conflicts.append(conflict_row(c, "article not in this corpus"))
        elif sha[c.article_id] != c.sha256:
            conflicts.append(conflict_row(c, f"article text changed since the correction (sha256 {c.sha256[:12]}... "
                                             f"now {sha[c.article_id][:12]}...)"))
        elif problem := text_problem(c, texts.get(c.article_id), n_chars.get(c.article_id)):
            conflicts.append(conflict_row(c, problem))
        else:
            live.append(c)
    if not live:
        return applied, conflicts
    blocks, sents = _article_context(tables, {c.article_id for c in live})
    changed_blocks: list[dict] = []
    for table in CORRECTABLE:
        todo = [c for c in live if c.table == table]
        if not todo:
            continue
        rows = tables.setdefault(table, [])
        wanted = {(c.article_id, c.start, c.end) for c in todo}
        index: dict[tuple, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            k = (r["article_id"], r["start"], r["end"])
            if k in wanted:
                index[k].append(i)
        deleted: set[int] = set()
        for c in todo:
            key = (c.article_id, c.start, c.end)
            hits = [i for i in index.get(key, []) if i not in deleted]
            before = [{k: v for k, v in rows[i].items() if k not in ("corrected", "correction_id")} for i in hits]
            if c.action == "add" and not hits:
                row = {name: None for name in SCHEMAS[table].names}
                row.update({"article_id": c.article_id, "start": c.start, "end": c.end})
                if table in SURFACE_COLUMN:
                    row[SURFACE_COLUMN[table]] = c.surface
                row.update(c.values)
                problem = _fill_context(table, row, blocks.get(c.article_id, []), sents.get(c.article_id, []))
                if problem:
                    conflicts.append(conflict_row(c, problem))
                    continue
                row.update({"corrected": True, "correction_id": c.correction_id})
                rows.append(row)
                index[key].append(len(rows) - 1)
                hits = [len(rows) - 1]
            elif not hits:
                conflicts.append(conflict_row(c, f"no {table} row at {c.start}-{c.end} any more (the annotator "
                                                 "changed, or it was deleted by an earlier correction)"))
                continue
            elif c.action == "delete":
                deleted.update(hits)
            else:  # correct, or add of a span the annotator now finds: the typed values win
                for i in hits:
                    rows[i].update(c.values)
                    rows[i]["corrected"] = True
                    prev = rows[i].get("correction_id")
                    rows[i]["correction_id"] = f"{prev},{c.correction_id}" if prev else c.correction_id
                    if table == "blocks" and "kind" in c.values:
                        changed_blocks.append(rows[i])
            applied.append({
                "seq": order[id(c)], "correction_id": c.correction_id, "source": c.source, "table": table,
                "article_id": c.article_id, "start": c.start, "end": c.end, "action": c.action,
                "before": _jsonable(before) if before else None,
                "after": None if c.action == "delete" else _jsonable([rows[i] for i in hits]),
            })
        if deleted:
            tables[table] = [r for i, r in enumerate(rows) if i not in deleted]
        if changed_blocks and table == "blocks":
            _propagate_block_kinds(tables, changed_blocks)
            blocks, sents = _article_context(tables, {c.article_id for c in live})
    return applied, conflicts


def apply_to_records(records, corrections_dir: str | Path | None = None, *,
                     report_unknown_articles: bool = True) -> list[dict]:
    """Apply the corrections in `corrections_dir` (default data/corrections; 'none' skips) to run Records -> conflicts.

    Writes `corrections_applied` and `corrections_conflicts` into `records.tables` and warns
    (CorrectionConflictWarning) when some corrections could not be applied.
    """
    if corrections_dir is not None and str(corrections_dir).lower() == "none":
        return []
    corrections, conflicts = load_corrections(corrections_dir)
    if not report_unknown_articles:
        conflicts = []  # a partition: malformed rows are reported once for the whole run (unknown_article_conflicts)
    applied, more = apply_corrections(records.tables, corrections, report_unknown_articles=report_unknown_articles,
                                      texts=getattr(records, "texts", None))
    conflicts += more
    records.tables["corrections_applied"] = applied
    records.tables["corrections_conflicts"] = conflicts
    if conflicts:
        warnings.warn(f"{len(conflicts)} correction(s) could not be applied; see the corrections_conflicts table "
                      f"(first: {conflicts[0]['source']}: {conflicts[0]['reason']})", CorrectionConflictWarning,
                      stacklevel=2)
    return conflicts


def unknown_article_conflicts(article_ids: Iterable[str], corrections_dir: str | Path | None = None) -> list[dict]:
    """Conflict rows of a whole run that no partition can see: malformed correction rows and files, and
    corrections naming articles absent from the run -> list (partitioned runs call this once at the end)."""
    if corrections_dir is not None and str(corrections_dir).lower() == "none":
        return []
    known = set(article_ids)
    corrections, bad = load_corrections(corrections_dir)
    return bad + [conflict_row(c, "article not in this corpus") for c in corrections if c.article_id not in known]


def raw_table(out_dir: str | Path, table: str) -> pd.DataFrame:
    """A written table as the annotator produced it, before corrections (undone via corrections_applied) -> frame."""
    df = read_table(out_dir, table)
    log = read_table(out_dir, "corrections_applied")
    if not len(log) or table not in set(log["table"]):
        return df
    log = log[log["table"] == table].sort_values("seq", kind="stable")
    first = log.drop_duplicates(list(KEY), keep="first")
    touched = set(zip(first["article_id"], first["start"].astype(int), first["end"].astype(int)))
    keep = pd.Series([(a, int(s), int(e)) not in touched for a, s, e in zip(df["article_id"], df["start"], df["end"])],
                     index=df.index, dtype=bool)
    restored = [r for b in first["before"] if isinstance(b, str) for r in json.loads(b)]
    parts = [df[keep]] + ([pd.DataFrame(restored)] if restored else [])
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].copy()
    if "corrected" in out.columns:
        out["corrected"] = False
        out["correction_id"] = pd.Series(None, index=out.index, dtype=df["correction_id"].dtype)
    return out.sort_values(sort_keys(table, out.columns), kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------- notebook helpers

def _resolve(path: str) -> Path:
    p = Path(path)
    if p.exists() or p.is_absolute():
        return p
    return PROJ_ROOT / p if (PROJ_ROOT / p).exists() else p


def article_text(out: str | Path, article_id: str) -> str:
    """Re-read an annotated article's text from its source and check it is the version annotated -> text.

    Raises:
        LookupError: the article is not in `out`, its source is gone, or its text changed since annotation.
    """
    arts = read_table(out, "articles")
    row = arts[arts["article_id"] == article_id]
    if not len(row):
        raise LookupError(f"article {article_id!r} is not in {out}")
    source = str(row["source_path"].iloc[0])
    path = _resolve(re.sub(r":(row )?\d+$", "", source))
    found = next((a for a in read_corpus(path) if isinstance(a, Article) and a.id == article_id), None)
    if found is None:
        raise LookupError(f"cannot re-read article {article_id!r} from {source}")
    if found.sha256 != row["sha256"].iloc[0]:
        raise LookupError(f"article {article_id!r} changed since {out} was annotated; annotate again first")
    return found.text


def _append(corrections_dir: str | Path | None, row: dict) -> Path:
    """Append one correction row to `<dir>/corrections.csv` (header written once; never rewrites a line)."""
    folder = Path(corrections_dir) if corrections_dir else CORRECTIONS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEFAULT_FILE
    new = not path.exists() or path.stat().st_size == 0
    if not new:
        with open(path, "rb") as fh:
            fh.seek(-1, 2)
            needs_newline = fh.read(1) not in (b"\n", b"\r")
    with open(path, "a", encoding="utf-8", newline="") as fh:
        if not new and needs_newline:
            fh.write("\n")  # a hand edit left no final newline; do not glue our row onto it
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerow(row)
    return path


def _record(out: str | Path, action: str, table: str, article_id: str, start: int, end: int, values: dict, *,
            corrections_dir: str | Path | None, author: str | None, note: str | None, text: str | None) -> Correction:
    arts = read_table(out, "articles")
    match = arts[arts["article_id"] == article_id]
    if not len(match):
        raise LookupError(f"article {article_id!r} is not in {out}")
    sha = str(match["sha256"].iloc[0])
    rows = read_table(out, table)
    hit = rows[(rows["article_id"] == article_id) & (rows["start"] == start) & (rows["end"] == end)] if len(rows) else rows
    if action in ("correct", "delete") and not len(hit):
        raise LookupError(f"no {table} row {article_id} {start}-{end} in {out}" + ("; use add()" if action == "correct" else ""))
    if action == "add":
        if text is None:
            text = article_text(out, article_id)
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}-{end} is outside the article ({len(text)} characters)")
        surface = text[start:end]
    else:
        col = SURFACE_COLUMN.get(table)
        surface = str(hit[col].iloc[0]) if col else None
    values = {k: coerce_value(table, k, v) for k, v in values.items()}
    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    row = {"created": created, "author": author or "", "action": action, "table": table, "article_id": article_id,
           "start": start, "end": end, "sha256": sha, "surface": surface or "",
           "values": json.dumps(values, sort_keys=True, ensure_ascii=False) if values else "", "note": note or ""}
    row["correction_id"] = "c-" + hashlib.sha1(json.dumps(row, sort_keys=True).encode()).hexdigest()[:12]
    corr = Correction(row["correction_id"], action, table, article_id, start, end, sha, surface, values,
                      source="(helper)", note=note)
    _validate(corr)
    path = _append(corrections_dir, row)
    return corr._replace(source=str(path))


def correct(out: str | Path, table: str, article_id: str, start: int, end: int, *,
            corrections_dir: str | Path | None = None, author: str | None = None, note: str | None = None,
            **values: object) -> Correction:
    """Record a change of some columns of the row (table, article_id, start, end) found in `out` -> the Correction.

    Example: `correct(OUT, "mentions", aid, 120, 126, actor="syrian_government")`. Applied on the next annotate run.
    """
    return _record(out, "correct", table, article_id, start, end, values, corrections_dir=corrections_dir,
                   author=author, note=note, text=None)


def delete(out: str | Path, table: str, article_id: str, start: int, end: int, *,
           corrections_dir: str | Path | None = None, author: str | None = None, note: str | None = None) -> Correction:
    """Record that the row (table, article_id, start, end) in `out` is false and must go -> the Correction."""
    return _record(out, "delete", table, article_id, start, end, {}, corrections_dir=corrections_dir, author=author,
                   note=note, text=None)


def add(out: str | Path, table: str, article_id: str, start: int, end: int, *,
        corrections_dir: str | Path | None = None, author: str | None = None, note: str | None = None,
        text: str | None = None, **values: object) -> Correction:
    """Record a missed span (its text is read from the article's source, or `text`) with its labels -> Correction.

    Example: `add(OUT, "timex", aid, 40, 52, type="DATE", value="2019-08-30")`.
    """
    return _record(out, "add", table, article_id, start, end, values, corrections_dir=corrections_dir,
                   author=author, note=note, text=text)


def corrections_frame(corrections_dir: str | Path | None = None) -> pd.DataFrame:
    """Every correction on file, in application order -> frame.

    Returns:
        DataFrame with columns correction_id, action, table, article_id, start, end, sha256, surface, values, source,
        note (malformed rows are left out; they show up as conflicts on the next run).
    """
    cs, _ = load_corrections(corrections_dir)
    return pd.DataFrame([c._asdict() for c in cs], columns=Correction._fields)
