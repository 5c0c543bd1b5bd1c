"""The `workbench` command line: annotate, evaluate, framing, reuse, timeline, analyze, sample, validity.

Exit codes (all commands):
  0  success
  1  finished, but some inputs could not be read (see the `errors` table)
  2  usage error (bad option, missing path, unknown pipeline)
  3  output folder refused, before any work: not a writable folder, holds the corpus, holds files the
     workbench did not write (use --force; what is in the way of a table is never replaced), or another
     run is writing into it
  4  nothing could be read: no table was written, the output folder is unchanged
  5  the Dask scheduler could not be reached (see --scheduler-timeout)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .analyses import ANALYSES, in_order, run_analysis

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_USAGE, EXIT_REFUSED, EXIT_NOTHING, EXIT_SCHEDULER = 0, 1, 2, 3, 4, 5

EPILOG = __doc__.split("Exit codes", 1)[1].join(["Exit codes", ""])


def _annotate(args: argparse.Namespace) -> int:
    from .annotate.write import annotate_corpus
    from .scale import SchedulerUnreachable
    from .tables import OutputRefused

    if args.scheduler_timeout is not None and args.scheduler_timeout <= 0:
        print("workbench annotate: --scheduler-timeout must be > 0", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = annotate_corpus(
            args.corpus, args.out, pipeline=args.pipeline, meta=args.meta, force=args.force,
            progress=not args.quiet, workers=args.workers, scheduler=args.scheduler,
            partition_size=args.partition_size, corrections=args.corrections,
            scheduler_timeout=args.scheduler_timeout,
        )
    except OutputRefused as exc:
        print(f"workbench annotate: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except SchedulerUnreachable as exc:
        print(f"workbench annotate: {exc}", file=sys.stderr)
        return EXIT_SCHEDULER
    except ValueError as exc:
        print(f"workbench annotate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not summary.published:
        print(summary.describe(), file=sys.stderr)
        return EXIT_NOTHING
    print(summary.describe())
    if summary.n_articles == 0:
        return EXIT_NOTHING
    return EXIT_INPUT_ERRORS if summary.n_errors else EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import TABLES, evaluate_dir, format_report
    from .tables import table_parts

    out, gold = Path(args.out_dir), Path(args.gold_dir)
    if not out.is_dir() or not table_parts(out, "articles"):
        print(f"workbench evaluate: {out} is not a folder of annotation tables (run workbench annotate first)",
              file=sys.stderr)
        return EXIT_USAGE
    if not gold.is_dir() or not any((gold / f"{t}.jsonl").is_file() for t in TABLES):
        print(f"workbench evaluate: {gold} holds no hand annotations (<table>.jsonl, as in data/gold-dev)",
              file=sys.stderr)
        return EXIT_USAGE
    report = evaluate_dir(out, gold, corrected=not args.raw)
    print(format_report(report))
    return EXIT_OK


def _analysis(kind: str):
    def run(args: argparse.Namespace) -> int:
        from .outdir import check_output, transaction
        from .tables import OutputRefused

        if not Path(args.dir).is_dir():
            print(f"workbench {kind}: {args.dir} is not a folder of annotation tables", file=sys.stderr)
            return EXIT_USAGE
        kinds = list(ANALYSES) if kind == "analyze" else [kind]
        names = [f"{t}.parquet" for k in kinds for t in ANALYSES[k].tables]
        try:
            check_output(args.dir, force=True, names=names)
            with transaction(args.dir):  # every table of the command published together, or none
                written = run_analyses(args.dir, kinds)
        except OutputRefused as exc:
            print(f"workbench {kind}: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        for p in written:
            print(f"wrote {p}")
        return EXIT_OK

    return run


def run_analyses(out: str | Path, kinds: list[str]) -> list[Path]:
    """Run the analysis writers `kinds` (names in `analyses.ANALYSES`) over the tables in `out` -> paths written."""
    return [p for k in in_order(kinds) for p in run_analysis(k, out)]


def _sample(args: argparse.Namespace) -> int:
    from .validation import draw_sample, write_sheet

    try:
        by = [c.strip() for c in args.by.split(",") if c.strip()] if args.by is not None else None
        sheet = draw_sample(args.dir, args.table, args.n, by=by, seed=args.seed, whole_articles=args.whole_articles)
        path = write_sheet(sheet, args.out)
    except FileExistsError:
        print(f"workbench sample: {args.out} exists (it may hold judgements); choose another --out", file=sys.stderr)
        return EXIT_REFUSED
    except ValueError as exc:
        print(f"workbench sample: {exc}", file=sys.stderr)
        return EXIT_USAGE
    strata = sheet["stratum"].nunique()
    print(f"wrote {path}: {len(sheet)} rows in {strata} strata")
    if strata > args.n:
        print(f"note: {strata} strata > --n {args.n}, so every stratum got one row; use fewer --by columns for a "
              "sample of that size", file=sys.stderr)
    return EXIT_OK


def _validity(args: argparse.Namespace) -> int:
    from .framing import write_validity

    if not Path(args.dir).is_dir() or not Path(args.judgements).exists():
        print(f"workbench validity: {args.dir} or {args.judgements} does not exist", file=sys.stderr)
        return EXIT_USAGE
    from .outdir import check_output, transaction
    from .tables import OutputRefused

    try:
        check_output(args.dir, force=True, names=["validity.parquet", "framing.parquet"])
        with transaction(args.dir):  # validity and the adjusted framing published together, or neither
            written = write_validity(args.dir, args.judgements)
    except OutputRefused as exc:
        print(f"workbench validity: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except ValueError as exc:
        print(f"workbench validity: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for p in written:
        print(f"wrote {p}")
    from .tables import read_table

    whole = read_table(args.dir, "validity")
    whole = whole[whole["level"] == "table"] if len(whole) else whole
    for r in whole.itertuples():
        print(f"{r.table}: precision {r.precision:.3f} (95% {r.low:.3f}-{r.high:.3f}), {r.judged} judged, "
              f"{r.unsure} unsure")
    if not len(whole):
        print(f"no judgement is about rows annotated in {args.dir} (other corpus, changed texts or labels)")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of the `workbench` command -> parser."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Framing Workbench: parse, annotate and compare how news outlets cover the same event.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "annotate", help="annotate a corpus into Parquet tables", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Read CORPUS (a folder of .txt, searched recursively; a .jsonl file with id, text and optional "
        "outlet, published, url, title; or a .csv file with the same columns), split every article into blocks, "
        "annotate it and write the tables of SHARED SCHEMA.md (articles, blocks, sentences, mentions, entities, "
        "quotes, figures, timex, errors) into OUT as Parquet, atomically.",
    )
    p.add_argument("corpus", help="folder of .txt files, a .jsonl file or a .csv file")
    p.add_argument("--out", required=True, help="output folder for the Parquet tables")
    p.add_argument("--meta", help="metadata CSV joined on article_id (columns article_id, outlet, published, url, title)")
    p.add_argument("--pipeline", default="rules",
                   help="'rules' (blank English + rule components; fast) or an installed spaCy model such as "
                   "'en_core_web_sm' (default: rules)")
    p.add_argument("--workers", type=int, default=1, help="worker processes on this machine (default 1)")
    p.add_argument("--scheduler", default=None,
                   help="Dask scheduler address tcp://HOST:PORT, or 'local' for a LocalCluster (default: none)")
    p.add_argument("--scheduler-timeout", type=float, default=None, metavar="SECONDS",
                   help="give up on an unreachable tcp:// scheduler after this many seconds (default 5; exit 5)")
    p.add_argument("--partition-size", type=int, default=None,
                   help="articles per partition for --workers/--scheduler runs (default: automatic)")
    p.add_argument("--corrections", default=None,
                   help="folder of researchers' corrections CSVs applied after annotation (default: data/corrections; "
                   "'none' to skip)")
    p.add_argument("--force", action="store_true",
                   help="write into OUT even if it holds files the workbench did not write (they are never "
                   "deleted or replaced; one in the way of a table is refused)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_annotate)

    p = sub.add_parser("evaluate", help="score annotation tables against hand annotations",
                       description="Score the tables in OUT_DIR against hand annotations in GOLD_DIR (layout of "
                       "shared/gold-dev: <table>.jsonl). Prints precision, recall, F1 (exact offsets and overlap), "
                       "label accuracy per table and the block confusion table.")
    p.add_argument("out_dir")
    p.add_argument("gold_dir")
    p.add_argument("--raw", action="store_true", help="score the tables as annotated, before researchers' corrections")
    p.set_defaults(func=_evaluate)

    for kind, text in (
        ("framing", "write framing and distinctive_terms next to the annotation tables"),
        ("reuse", "write reuse_pairs and substitutions (wire-copy tracing)"),
        ("timeline", "write timeline and figure_claims"),
        ("analyze", "run framing, reuse and timeline"),
    ):
        p = sub.add_parser(kind, help=text, description=f"Read the annotation tables in DIR and {text}.")
        p.add_argument("dir", help="folder written by `workbench annotate`")
        p.set_defaults(func=_analysis(kind))

    p = sub.add_parser("sample", help="draw a stratified sample of an annotation table as a judging sheet (CSV)",
                       description="Draw a stratified, reproducible sample of TABLE in DIR (every stratum at least one "
                       "row, the rest in proportion to size) and write it as a judging sheet: key, labels, the "
                       "sentence "
                       "in context, and empty judgement (correct|wrong|unsure) and fix columns. Never overwrites OUT.")
    p.add_argument("dir", help="folder written by `workbench annotate`")
    p.add_argument("--table", required=True, choices=["mentions", "quotes", "figures", "timex"])
    p.add_argument("--n", type=int, required=True, help="rows to draw (at least one per stratum)")
    p.add_argument("--by", default=None, help="stratum columns, comma-separated (default: mentions actor,outlet; "
                   "quotes outlet; figures outlet; timex type,outlet); '' for none")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same rows; default 0)")
    p.add_argument("--whole-articles", type=int, default=0,
                   help="also add every row of this many random articles, to be read in full (recall)")
    p.add_argument("--out", required=True, help="the sheet to write (.csv; refused if it exists)")
    p.set_defaults(func=_sample)

    p = sub.add_parser("validity", help="precision (and recall) per stratum from judged sheets",
                       description="Read judged sheets and judgement logs (a CSV or a folder of them) about the tables "
                       "in DIR and write the validity table (precision per stratum with Wilson 95%% intervals, "
                       "precision weighted by stratum size per table, recall where articles were read in full); "
                       "framing is rewritten with shares adjusted for the measured precision.")
    p.add_argument("dir", help="folder written by `workbench annotate`")
    p.add_argument("--judgements", required=True, help="a judged sheet / log CSV, or a folder of them")
    p.set_defaults(func=_validity)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `workbench` command -> exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
