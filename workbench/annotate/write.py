"""`workbench annotate`: corpus -> annotation tables in an output folder (single process or partitioned).

The partitioned path lives in `workbench.scale`; this module dispatches to it and never is imported by it.
"""
from __future__ import annotations

from pathlib import Path

from tqdm.auto import tqdm

from ..corpus import iter_articles
from ..corrections import apply_to_records
from ..fingerprint import inputs_fingerprint
from ..loss import with_loss_warnings
from ..outdir import OutputRefused, OutputSession, check_output, staged, write_file_list
from ..tables import ALL_TABLES, Summary, write_manifest, write_tables
from .pipeline import build_pipeline, pipeline_info
from .run import Records, annotate_articles

__all__ = ["OutputRefused", "Summary", "annotate_corpus", "check_output_dir", "write_records"]

SINGLE_NAMES = (*(f"{t}.parquet" for t in ALL_TABLES), "manifest.json")


def check_output_dir(out: Path, *, force: bool = False, corpus: str | Path | None = None) -> None:
    """Refuse (OutputRefused) an output folder a single-process run cannot write (see `outdir.check_output`)."""
    check_output(out, corpus=corpus, force=force, names=SINGLE_NAMES)


def write_records(records: Records, out: Path, info: dict[str, str]) -> dict[str, int]:
    """Write every table of `records` (all tables, empty ones too) into `out`, as one atomic set -> {table: rows}."""
    rows = {table: records.tables.get(table, []) for table in ALL_TABLES}
    write_tables(rows, out, metadata=info)
    return {table: len(r) for table, r in rows.items()}


def annotate_corpus(corpus: str | Path, out: str | Path, *, pipeline: str = "rules", meta: str | Path | None = None,
                    force: bool = False, progress: bool = True, workers: int = 1, scheduler: str | None = None,
                    partition_size: int | None = None, corrections: str | None = None,
                    scheduler_timeout: float | None = None) -> Summary:
    """Annotate a corpus and publish its tables into `out` as one set -> Summary.

    Nothing in `out` changes unless a whole new set of tables is published; a corpus with no readable article
    publishes nothing (`Summary.published` False).

    Raises:
        OutputRefused: `out` is not a writable folder, holds the corpus, holds foreign files and `force` is not
            set, or another run is writing into it (all checked before any annotation).
        ValueError: unknown pipeline or missing corpus.
    """
    out = Path(out)
    corpus = Path(corpus)
    if not corpus.exists():
        raise ValueError(f"corpus {corpus} does not exist")
    if meta is not None and not Path(meta).exists():
        raise ValueError(f"metadata file {meta} does not exist")
    if workers > 1 or scheduler:
        from ..scale import annotate_partitioned

        return with_loss_warnings(annotate_partitioned(
            corpus, out, pipeline=pipeline, meta=meta, workers=workers, scheduler=scheduler,
            partition_size=partition_size, progress=progress, corrections=corrections, force=force,
            scheduler_timeout=scheduler_timeout))
    check_output_dir(out, force=force, corpus=corpus)
    nlp = build_pipeline(pipeline)
    info = pipeline_info(nlp)
    with OutputSession(out) as session:
        inputs = inputs_fingerprint(corpus, meta)
        stream = iter_articles(corpus, meta=meta)
        bar = tqdm(stream, desc="annotating", unit="article", disable=not progress, mininterval=1.0)
        records = annotate_articles(bar, nlp)
        apply_to_records(records, corrections_dir=corrections, report_unknown_articles=True)
        counts = {table: len(records.tables.get(table, [])) for table in ALL_TABLES}
        if not counts["articles"]:
            return Summary(out=out, n_articles=0, n_errors=counts["errors"], tables=counts, info=info,
                           published=False)
        with staged(session) as stage:
            write_records(records, stage, info)
            write_manifest(stage, write_file_list(stage, {
                "corpus": str(corpus), "meta": str(meta) if meta else None, "inputs_sha256": inputs, **info}))
            session.publish(stage)
    return with_loss_warnings(Summary(out=out, n_articles=counts["articles"], n_errors=counts["errors"],
                                      tables=counts, info=info))
