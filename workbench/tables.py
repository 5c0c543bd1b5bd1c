"""The output tables of SCHEMA.md: their Arrow schemas, and atomic Parquet writing and reading.

Every table written here carries, in its Parquet key-value metadata, the pipeline name and version, the workbench
version and the codebook version, so any number can be traced to what produced it.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .config import __version__, codebook_version

S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([("article_id", S), ("source_path", S), ("outlet", S), ("published", pa.date32()),
                           ("url", S), ("title", S), ("n_chars", I), ("n_words", I), ("sha256", S)]),
    "blocks": pa.schema([("article_id", S), ("block_id", I), ("line_no", I), ("start", I), ("end", I), ("kind", S)]),
    "mentions": pa.schema([("article_id", S), ("start", I), ("end", I), ("surface", S), ("term", S), ("actor", S),
                           ("block_kind", S), ("sent_start", I), ("sent_end", I)]),
    "entities": pa.schema([("article_id", S), ("start", I), ("end", I), ("text", S), ("label", S),
                           ("canonical", S), ("actor", S)]),
    "quotes": pa.schema([("article_id", S), ("start", I), ("end", I), ("text", S), ("speaker", S),
                         ("speaker_start", I), ("speaker_end", I), ("block_kind", S)]),
    "figures": pa.schema([("article_id", S), ("start", I), ("end", I), ("text", S), ("value", F), ("what", S),
                          ("unit", S), ("qualifier", S), ("vague", B), ("sent_start", I), ("sent_end", I)]),
    "timex": pa.schema([("article_id", S), ("start", I), ("end", I), ("text", S), ("type", S), ("value", S),
                        ("mod", S), ("sent_start", I), ("sent_end", I)]),
    "sentences": pa.schema([("article_id", S), ("start", I), ("end", I), ("block_kind", S), ("text", S)]),
    "errors": pa.schema([("source_path", S), ("reason", S)]),
}
ANNOTATION_TABLES = ("mentions", "entities", "quotes", "figures", "timex")
ALL_TABLES = ("articles", "blocks", "sentences", *ANNOTATION_TABLES, "errors")


def sort_keys(table: str, columns: Iterable[str]) -> list[str]:
    """The sort order of a table: article_id then start where present, else its first column."""
    cols = list(columns)
    if table == "errors":
        return ["source_path", "reason"]
    keys = [c for c in ("article_id", "start", "end") if c in cols]
    return keys or cols[:1]


def frame(table: str, rows: Iterable[Mapping | tuple] | pd.DataFrame) -> pd.DataFrame:
    """Records or a frame -> a DataFrame with exactly the table's columns in schema order, sorted."""
    schema = SCHEMAS.get(table)
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if schema is not None:
        if df.empty and len(df.columns) == 0:
            df = pd.DataFrame(columns=schema.names)
        elif not isinstance(rows, pd.DataFrame) and len(df.columns) == len(schema.names) and list(df.columns) == list(range(len(schema.names))):
            df.columns = schema.names
        for name in schema.names:
            if name not in df.columns:
                df[name] = None
        extra = [c for c in df.columns if c not in schema.names]
        df = df[list(schema.names) + extra]
    if len(df):
        df = df.sort_values(sort_keys(table, df.columns), kind="stable").reset_index(drop=True)
    return df


def to_arrow(table: str, df: pd.DataFrame, metadata: Mapping[str, str] | None = None) -> pa.Table:
    """A table's DataFrame -> Arrow table cast to its schema, with provenance metadata attached."""
    schema = SCHEMAS.get(table)
    if schema is not None:
        extra = [c for c in df.columns if c not in schema.names]
        fields = list(schema) + [pa.field(c, pa.Table.from_pandas(df[[c]], preserve_index=False).schema.field(c).type) for c in extra]
        schema = pa.schema(fields)
        tbl = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    else:
        tbl = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(tbl.schema.metadata or {})
    meta.pop(b"pandas", None)  # pandas' own metadata embeds versions; keep files byte-identical across runs
    prov = provenance(metadata or {})
    meta.update({f"workbench.{k}".encode(): str(v).encode() for k, v in prov.items()})
    return tbl.replace_schema_metadata(meta)


def provenance(extra: Mapping[str, str]) -> dict[str, str]:
    """Provenance fields recorded with every table -> dict (workbench version, codebook version, + extra)."""
    out = {"workbench_version": __version__, "codebook_version": codebook_version()}
    out.update({k: str(v) for k, v in extra.items()})
    return out


def atomic_write_parquet(tbl: pa.Table, path: Path) -> None:
    """Write an Arrow table to `path` via a temporary file and rename, so a killed run never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(tbl, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_table(table: str, rows, out_dir: str | Path, *, metadata: Mapping[str, str] | None = None) -> Path:
    """Write one table as `out_dir/<table>.parquet` atomically -> the path written."""
    df = frame(table, rows)
    path = Path(out_dir) / f"{table}.parquet"
    atomic_write_parquet(to_arrow(table, df, metadata), path)
    return path


def table_path(out_dir: str | Path, table: str) -> Path:
    """Where a table lives: `<table>.parquet` or a partitioned folder `<table>/` -> path (may not exist)."""
    single = Path(out_dir) / f"{table}.parquet"
    folder = Path(out_dir) / table
    return folder if folder.is_dir() and not single.exists() else single


def read_table(out_dir: str | Path, table: str, *, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a table (single file or partitioned folder) -> DataFrame sorted by its keys; empty frame if absent."""
    path = table_path(out_dir, table)
    if not path.exists():
        schema = SCHEMAS.get(table)
        return pd.DataFrame(columns=columns or (schema.names if schema is not None else []))
    df = pd.read_parquet(path, columns=columns)
    if len(df):
        df = df.sort_values(sort_keys(table, df.columns), kind="stable").reset_index(drop=True)
    return df


def read_provenance(out_dir: str | Path, table: str) -> dict[str, str]:
    """The provenance metadata of a written table -> dict (empty if absent)."""
    path = table_path(out_dir, table)
    if path.is_dir():
        parts = sorted(path.glob("*.parquet"))
        if not parts:
            return {}
        path = parts[0]
    if not path.exists():
        return {}
    meta = pq.read_schema(path).metadata or {}
    return {k.decode()[len("workbench."):]: v.decode() for k, v in meta.items() if k.startswith(b"workbench.")}


def write_manifest(out_dir: str | Path, info: Mapping) -> None:
    """Write `manifest.json` (what produced the folder and with which settings) atomically."""
    path = Path(out_dir) / "manifest.json"
    fd, tmp = tempfile.mkstemp(prefix=".manifest.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(dict(info), fh, indent=2, sort_keys=True, default=str)
        fh.write("\n")
    os.replace(tmp, path)
