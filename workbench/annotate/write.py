"""`workbench annotate`: corpus -> annotation tables in an output folder (single process or partitioned)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from ..corpus import iter_articles
from ..tables import ALL_TABLES, write_manifest, write_tables
from .pipeline import build_pipeline, pipeline_info
from .run import Records, annotate_articles

DERIVED_TABLES = ("framing", "distinctive_terms", "reuse_pairs", "substitutions", "timeline", "figure_claims", "validity",
                  "corrections_conflicts", "corrections_applied")
OWN_NAMES = {f"{t}.parquet" for t in (*ALL_TABLES, *DERIVED_TABLES)} | set(ALL_TABLES) | set(DERIVED_TABLES) | {
    "manifest.json", "_partitions", "_checkpoint"}


class OutputRefused(Exception):
    """The output folder holds files the workbench did not write."""


@dataclass
class Summary:
    """What an annotate run did."""

    out: Path
    n_articles: int
    n_errors: int
    tables: dict[str, int] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """A short human summary -> text."""
        lines = [f"annotated {self.n_articles} article(s) with pipeline {self.info.get('pipeline')} "
                 f"({self.info.get('pipeline_version')}); {self.n_errors} input error(s)"]
        lines += [f"  {name:<22} {n:>8} rows" for name, n in self.tables.items()]
        lines.append(f"tables written to {self.out}")
        if self.n_errors:
            lines.append(f"see {self.out / 'errors.parquet'} for the inputs that could not be read")
        if self.tables.get("corrections_conflicts"):
            lines.append(f"{self.tables['corrections_conflicts']} correction(s) could not be applied: see "
                         f"{self.out / 'corrections_conflicts.parquet'}")
        return "\n".join(lines)


def check_output_dir(out: Path, *, force: bool = False) -> None:
    """Refuse (OutputRefused) an output folder holding files the workbench did not write, unless `force`."""
    if not out.exists() or force:
        return
    if not out.is_dir():
        raise OutputRefused(f"{out} exists and is not a folder")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in OWN_NAMES and not p.name.startswith("."))
    if foreign:
        raise OutputRefused(
            f"{out} holds files the workbench did not write ({', '.join(foreign[:5])}"
            f"{', ...' if len(foreign) > 5 else ''}); choose an empty folder or pass --force"
        )


def write_records(records: Records, out: Path, info: dict[str, str]) -> dict[str, int]:
    """Write every table of `records` (all tables, empty ones too) into `out`, as one atomic set -> {table: rows}."""
    rows = {table: records.tables.get(table, []) for table in ALL_TABLES}
    write_tables(rows, out, metadata=info)
    return {table: len(r) for table, r in rows.items()}


def remove_stale_derived(out: Path) -> None:
    """Delete analysis tables left from an earlier run: they were computed from annotations that no longer exist."""
    import shutil

    for name in DERIVED_TABLES:
        if name.startswith("corrections_"):
            continue
        for p in (out / f"{name}.parquet", out / name):
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()


def annotate_corpus(corpus: str | Path, out: str | Path, *, pipeline: str = "rules", meta: str | Path | None = None,
                    force: bool = False, progress: bool = True, workers: int = 1, scheduler: str | None = None,
                    partition_size: int | None = None, corrections: str | None = None) -> Summary:
    """Annotate a corpus and write its tables into `out` -> Summary.

    Raises:
        OutputRefused: `out` holds foreign files and `force` is not set.
        ValueError: unknown pipeline or missing corpus.
    """
    out = Path(out)
    corpus = Path(corpus)
    if not corpus.exists():
        raise ValueError(f"corpus {corpus} does not exist")
    if meta is not None and not Path(meta).exists():
        raise ValueError(f"metadata file {meta} does not exist")
    check_output_dir(out, force=force)
    if workers > 1 or scheduler:
        from ..scale import annotate_partitioned

        return annotate_partitioned(corpus, out, pipeline=pipeline, meta=meta, workers=workers, scheduler=scheduler,
                                    partition_size=partition_size, progress=progress, corrections=corrections)
    nlp = build_pipeline(pipeline)
    info = pipeline_info(nlp)
    stream = iter_articles(corpus, meta=meta)
    bar = tqdm(stream, desc="annotating", unit="article", disable=not progress, mininterval=1.0)
    records = annotate_articles(bar, nlp)
    out.mkdir(parents=True, exist_ok=True)
    apply_corrections_if_any(records, out, corrections, whole_corpus=True)
    counts = write_records(records, out, info)
    remove_stale_derived(out)
    write_manifest(out, {"corpus": str(corpus), "meta": str(meta) if meta else None, **info})
    n_art = counts.get("articles", 0)
    return Summary(out=out, n_articles=n_art, n_errors=counts.get("errors", 0), tables=counts, info=info)


def apply_corrections_if_any(records: Records, out: Path, corrections: str | None, *,
                             whole_corpus: bool = False) -> None:
    """Apply researchers' corrections (folder `corrections`, default data/corrections, 'none' skips) in place.

    `whole_corpus`: the records hold every article of the run, so corrections for articles absent from them are
    reported as conflicts (a partition sees only its own articles and must not report the others).
    """
    if corrections == "none":
        return
    from ..corrections import apply_to_records

    apply_to_records(records, corrections_dir=corrections, report_unknown_articles=whole_corpus)
