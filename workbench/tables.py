"""The output tables of SCHEMA.md: their Arrow schemas, and atomic Parquet writing and reading.

Every table written here carries, in its Parquet key-value metadata, the pipeline name and version, the workbench
version and the codebook version, so any number can be traced to what produced it.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from .config import __version__, codebook_version, data_version

S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([("article_id", S), ("source_path", S), ("outlet", S), ("published", pa.date32()),
                           ("url", S), ("title", S), ("n_chars", I), ("n_words", I), ("sha256", S),
                           ("dateline", pa.date32()), ("dateline_start", I), ("dateline_end", I),
                           ("dateline_gap_days", I)]),
    "blocks": pa.schema([("article_id", S), ("block_id", I), ("line_no", I), ("start", I), ("end", I), ("kind", S)]),
    "mentions": pa.schema([("article_id", S), ("start", I), ("end", I), ("surface", S), ("term", S), ("actor", S),
                           ("actor_detail", S), ("block_kind", S), ("sent_start", I), ("sent_end", I),
                           ("voice", S), ("voice_speaker", S)]),
    "entities": pa.schema([("article_id", S), ("start", I), ("end", I), ("text", S), ("label", S),
                           ("canonical", S), ("actor", S)]),
    "quotes": pa.schema([("article_id", S), ("start", I), ("end", I), ("text", S), ("speaker", S),
                         ("speaker_start", I), ("speaker_end", I), ("block_kind", S)]),
    "figures": pa.schema([("article_id", S), ("start", I), ("end", I), ("text", S), ("value", F), ("what", S),
                          ("unit", S), ("qualifier", S), ("vague", B), ("sent_start", I), ("sent_end", I)]),
    "timex": pa.schema([("article_id", S), ("start", I), ("end", I), ("text", S), ("type", S), ("value", S),
                        ("mod", S), ("sent_start", I), ("sent_end", I)]),
    "sentences": pa.schema([("article_id", S), ("start", I), ("end", I), ("block_kind", S), ("text", S)]),
    "reuse_pairs": pa.schema([("article_a", S), ("start_a", I), ("end_a", I), ("article_b", S), ("start_b", I),
                              ("end_b", I), ("similarity", F)]),
    "substitutions": pa.schema([("article_a", S), ("start_a", I), ("end_a", I), ("text_a", S), ("article_b", S),
                                ("start_b", I), ("end_b", I), ("text_b", S), ("op", S)]),
    "errors": pa.schema([("source_path", S), ("reason", S), ("article_id", S), ("component", S)]),
    "framing": pa.schema([("outlet", S), ("actor", S), ("term", S), ("count", I), ("actor_total", I), ("share", F),
                          ("share_low", F), ("share_high", F), ("per_1k_words", F), ("voice", S)]),
    "distinctive_terms": pa.schema([("outlet", S), ("term", S), ("count", I), ("count_rest", I), ("log_odds", F),
                                    ("z", F), ("kind", S), ("other", S), ("voice", S)]),
    "timeline": pa.schema([("article_id", S), ("outlet", S), ("published", pa.date32()), ("start", I), ("end", I),
                           ("value", S), ("mod", S), ("sent_start", I), ("sent_end", I), ("text", S), ("type", S),
                           ("date", pa.date32())]),
    "figure_claims": pa.schema([("article_id", S), ("outlet", S), ("start", I), ("end", I), ("what", S),
                                ("value", F), ("qualifier", S), ("attributed_to", S), ("claim_group", S),
                                ("disagrees", B), ("text", S), ("vague", B), ("scope", S), ("source", S)]),
}
ANNOTATION_TABLES = ("mentions", "entities", "quotes", "figures", "timex")
# Researchers' corrections (workbench/corrections.py): rows they touched say so; every application and every
# correction that could not be applied is a row of its own table.
for _t in ("blocks", *ANNOTATION_TABLES):
    SCHEMAS[_t] = SCHEMAS[_t].append(pa.field("corrected", B)).append(pa.field("correction_id", S))
SCHEMAS["corrections_applied"] = pa.schema([("seq", I), ("correction_id", S), ("source", S), ("table", S),
                                            ("article_id", S), ("start", I), ("end", I), ("action", S),
                                            ("before", S), ("after", S)])
SCHEMAS["corrections_conflicts"] = pa.schema([("correction_id", S), ("source", S), ("table", S), ("article_id", S),
                                              ("start", I), ("end", I), ("action", S), ("reason", S)])
CORRECTION_TABLES = ("corrections_applied", "corrections_conflicts")
ALL_TABLES = ("articles", "blocks", "sentences", *ANNOTATION_TABLES, *CORRECTION_TABLES, "errors")
# Written by the analyses (framing, reuse, timeline, validity) from the annotation tables.
DERIVED_TABLES = ("framing", "distinctive_terms", "reuse_pairs", "substitutions", "timeline", "figure_claims",
                  "validity")

# An output folder the workbench manages (workbench.outdir) holds its generations of tables in WB_DIR; every
# public name (`<table>.parquet`, `<table>/`, `manifest.json`) is a symlink to WB_DIR/current/<name>.
WB_DIR = ".workbench"
CURRENT = "current"
# Output folder (resolved) -> the generation an open `outdir.transaction` writes into instead of the folder.
STAGED: dict[str, Path] = {}


class OutputRefused(Exception):
    """The output folder cannot be used: not a writable folder, holds the corpus, foreign files, or is busy."""


@dataclass
class Summary:
    """What an annotate run did (`published` False: nothing was written, the output folder is unchanged)."""

    out: Path
    n_articles: int
    n_errors: int
    tables: dict[str, int] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)
    published: bool = True
    warnings: list[str] = field(default_factory=list)  # articles / outlets whose text was mostly not content (loss.py)

    def describe(self) -> str:
        """A short human summary -> text."""
        lines = [f"annotated {self.n_articles} article(s) with pipeline {self.info.get('pipeline')} "
                 f"({self.info.get('pipeline_version')}); {self.n_errors} input error(s)"]
        if not self.published:
            lines.append(f"nothing readable: no table written, {self.out} left as it was")
            return "\n".join(lines)
        lines += [f"  {name:<22} {n:>8} rows" for name, n in self.tables.items()]
        lines.append(f"tables written to {self.out}")
        if self.n_errors:
            lines.append(f"see {self.out / 'errors.parquet'} for the inputs that could not be read")
        lines += self.warnings
        if self.tables.get("corrections_conflicts"):
            lines.append(f"{self.tables['corrections_conflicts']} correction(s) could not be applied: see "
                         f"{self.out / 'corrections_conflicts.parquet'}")
        return "\n".join(lines)


def link_target(name: str) -> str:
    """What the public entry `name` of a managed output folder links to -> relative path text."""
    return f"{WB_DIR}/{CURRENT}/{name}"


def is_own_link(out_dir: str | Path, name: str) -> bool:
    """Whether `out_dir/name` is the workbench's link into its published generation (dangling or not)."""
    p = Path(out_dir) / name
    try:
        return p.is_symlink() and os.readlink(p) == link_target(name)
    except OSError:
        return False


def is_managed(out_dir: str | Path) -> bool:
    """Whether `out_dir` holds a published generation of workbench tables."""
    return (Path(out_dir) / WB_DIR / CURRENT).is_symlink()


def ensure_link(out_dir: str | Path, name: str) -> bool:
    """Create the public link `out_dir/name` unless something else is there -> whether the link is in place."""
    out = Path(out_dir)
    if is_own_link(out, name):
        return True
    if (out / name).exists() or (out / name).is_symlink():
        return False
    tmp = out / f".{name}.{os.getpid()}.link"
    tmp.unlink(missing_ok=True)
    os.symlink(link_target(name), tmp)
    os.replace(tmp, out / name)
    return True


def write_dir(out_dir: str | Path) -> Path:
    """Where a table written into `out_dir` goes: the generation of an open transaction, else the published
    generation of a managed folder, else `out_dir` itself."""
    out = Path(out_dir)
    staged = STAGED.get(str(out.resolve()))
    if staged is not None:
        return staged
    return out / WB_DIR / CURRENT if is_managed(out) else out


def sort_keys(table: str, columns: Iterable[str]) -> list[str]:
    """The sort order of a table: article_id then start where present, else its first column."""
    cols = list(columns)
    if table == "errors":
        return ["source_path", "reason"]
    if table == "corrections_applied":
        return ["seq"]
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
        if "corrected" in schema.names:  # rows no correction touched (or runs without corrections) are False
            df["corrected"] = df["corrected"].fillna(False).astype(bool)
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
    """Provenance fields recorded with every table -> dict (workbench, codebook and data versions, + extra)."""
    out = {"workbench_version": __version__, "codebook_version": codebook_version(), "data_version": data_version()}
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


def write_tables(tables: Mapping[str, object], out_dir: str | Path, *,
                 metadata: Mapping[str, str] | None = None) -> dict[str, Path]:
    """Write several tables as `out_dir/<table>.parquet`, all staged before any is renamed in -> {table: path}.

    A run killed while writing leaves the previous set of tables whole and consistent with each other (not some
    tables new and some old); temporary files left by an earlier killed run are removed first.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for table in tables:
        for stale in out.glob(f".{table}.parquet.*.tmp"):
            stale.unlink(missing_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for table, rows in tables.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{table}.parquet.", suffix=".tmp", dir=out)
            os.close(fd)
            staged.append((tmp, out / f"{table}.parquet"))
            pq.write_table(to_arrow(table, frame(table, rows), metadata), tmp, compression="zstd")
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    return {table: path for table, (_, path) in zip(tables, staged)}


def write_table(table: str, rows, out_dir: str | Path, *, metadata: Mapping[str, str] | None = None) -> Path:
    """Write one table as `out_dir/<table>.parquet` atomically -> the path written.

    Inside `outdir.transaction(out_dir)` the table joins the generation published when the transaction ends;
    outside one, in a managed folder, it replaces that one file of the published generation.
    """
    df = frame(table, rows)
    out = Path(out_dir)
    dest = write_dir(out)
    atomic_write_parquet(to_arrow(table, df, metadata), dest / f"{table}.parquet")
    if dest == out / WB_DIR / CURRENT and not ensure_link(out, f"{table}.parquet"):
        raise OutputRefused(f"{out / (table + '.parquet')} was not written by the workbench; it is left as it is")
    return out / f"{table}.parquet"


def table_path(out_dir: str | Path, table: str) -> Path:
    """Where a table lives: `<table>.parquet` or a partitioned folder `<table>/` -> path (may not exist).

    In a managed output folder only the workbench's own links count: a user's folder named like a table is not one.
    Inside an open transaction a table is read from its stage, so an analysis sees what an earlier one of the same
    transaction wrote (framing reads the reuse_pairs that reuse just wrote).
    """
    staged = STAGED.get(str(Path(out_dir).resolve()))
    if staged is not None:
        base = staged
    else:
        base = Path(out_dir) / WB_DIR / CURRENT if is_managed(out_dir) else Path(out_dir)
    single, folder = base / f"{table}.parquet", base / table
    return folder if folder.is_dir() and not single.exists() else single


def read_table(out_dir: str | Path, table: str, *, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a table (single file or partitioned folder) -> DataFrame sorted by its keys; empty frame if absent."""
    path = table_path(out_dir, table)
    if not path.exists():
        schema = SCHEMAS.get(table)
        return pd.DataFrame(columns=columns or (schema.names if schema is not None else []))
    if path.is_dir():
        frames = list(iter_table_parts(out_dir, table, columns=columns))
        if not frames:
            schema = SCHEMAS.get(table)
            return pd.DataFrame(columns=columns or (schema.names if schema is not None else []))
        df = pd.concat(frames, ignore_index=True)
    else:
        df = pd.read_parquet(path, columns=columns)
    if len(df):
        df = df.sort_values(sort_keys(table, df.columns), kind="stable").reset_index(drop=True)
    return df


def table_parts(out_dir: str | Path, table: str) -> list[Path]:
    """The Parquet files holding a table: its parts in name order, or the single file -> paths ([] if absent)."""
    path = table_path(out_dir, table)
    if path.is_dir():
        # `.`/`_` prefixes are in-flight temporary files and checkpoints, as pyarrow datasets ignore them.
        return sorted(p for p in path.glob("*.parquet") if not p.name.startswith((".", "_")))
    return [path] if path.exists() else []


def iter_table_parts(out_dir: str | Path, table: str, *, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """Yield a table one Parquet part at a time (a single-file table is one part) -> DataFrames, unsorted.

    Count-based analyses aggregate per part so a table larger than memory never has to be read whole. Parts are
    read with the schema unified over all parts, so a column some parts lack comes back as nulls.
    """
    parts = table_parts(out_dir, table)
    if not parts:
        return
    schema = pa.unify_schemas([pq.read_schema(p) for p in parts])
    dataset = pads.dataset([str(p) for p in parts], schema=schema, format="parquet")
    for fragment in dataset.get_fragments():
        yield fragment.to_table(schema=schema, columns=columns).to_pandas()


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


def iter_table_batches(out_dir: str | Path, table: str, *, columns: list[str] | None = None,
                       batch_rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """Yield a table in batches of at most `batch_rows` rows, part by part and row group by row group -> DataFrames.

    Unlike `iter_table_parts`, a large single-file table is not read whole: text-heavy tables (`sentences`) can be
    aggregated in bounded memory. Columns a part lacks come back as nulls; rows are in file order, unsorted.
    """
    for part in table_parts(out_dir, table):
        pf = pq.ParquetFile(part)
        have = set(pf.schema_arrow.names)
        cols = None if columns is None else [c for c in columns if c in have]
        for batch in pf.iter_batches(batch_size=batch_rows, columns=cols):
            df = batch.to_pandas()
            for c in columns or []:
                if c not in df.columns:
                    df[c] = None
            yield df if columns is None else df[columns]
