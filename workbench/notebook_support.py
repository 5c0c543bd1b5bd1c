"""What every notebook needs before its first analysis cell: fresh tables, deterministic HTML tables, provenance.

Notebooks are our users' regression tests (nbval compares their committed outputs), so nothing here prints paths,
timings or random ids, and whether tables were rebuilt or reused is logged, never printed.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .analyses import ANALYSES, in_order, run_analysis
from .config import METADATA_CSV, PROJ_ROOT, SEEDS_DIR, __version__
from .html import esc
from .tables import read_table

log = logging.getLogger(__name__)

DEFAULT_PIPELINE = "en_core_web_sm"
MAX_ROWS = 60


def _same_path(recorded: str | None, wanted: Path | None) -> bool:
    """Whether a path recorded in manifest.json (absolute, or relative to where the CLI ran) is `wanted`."""
    if recorded in (None, "", "None") or wanted is None:
        return recorded in (None, "", "None") and wanted is None
    rec = Path(recorded)
    candidates = [rec] if rec.is_absolute() else [Path.cwd() / rec, PROJ_ROOT / rec]
    return any(c.resolve() == wanted for c in candidates)


def stale_reason(corpus: str | Path, out: str | Path, *, meta: str | Path | None = None,
                 pipeline: str = DEFAULT_PIPELINE) -> str | None:
    """Why the annotation tables in `out` must be rebuilt -> reason, or None when they are current.

    Current means: `manifest.json` exists, names the same pipeline, corpus and metadata file, and records the
    content hash (`fingerprint.inputs_fingerprint`) the corpus files, metadata, annotation code and vocabulary
    files in `data/` have now (content, not modification times: a file edited with its mtime kept is noticed).
    """
    from .fingerprint import inputs_fingerprint

    out, corpus = Path(out), Path(corpus).resolve()
    meta_p = Path(meta).resolve() if meta is not None else None
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        return "no tables yet"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"unreadable manifest.json ({exc})"
    if manifest.get("pipeline") != pipeline:
        return f"made by pipeline {manifest.get('pipeline')!r}, not {pipeline!r}"
    if not _same_path(manifest.get("corpus"), corpus):
        return f"made from corpus {manifest.get('corpus')!r}"
    if not _same_path(manifest.get("meta"), meta_p):
        return f"made with metadata {manifest.get('meta')!r}"
    if manifest.get("inputs_sha256") != inputs_fingerprint(corpus, meta_p):
        return "corpus, metadata, annotation code or vocabulary changed since"
    return None


def _newest_input_ns(out: Path) -> int:
    """The newest modification time (ns) among what analyses read: the annotation manifest, the package code and
    every file in data/ (vocabularies, judgements)."""
    from .config import DATA_DIR

    files = [out / "manifest.json", *Path(__file__).parent.rglob("*.py"), *DATA_DIR.rglob("*")]
    return max((f.stat().st_mtime_ns for f in files if f.is_file()), default=0)


def analyses_current(out: str | Path, analyses: Iterable[str]) -> bool:
    """Whether every table the analyses write exists and was written after everything they read changed."""
    from .tables import table_path

    out = Path(out)
    newest = _newest_input_ns(out)
    for name in analyses:
        for table in ANALYSES[name].tables if name in ANALYSES else ():
            path = table_path(out, table)
            if not path.exists() or path.stat().st_mtime_ns < newest:
                return False
    return True


def run_analyses(out: str | Path, analyses: Iterable[str]) -> list[str]:
    """Run the analysis writers `analyses` over the tables in `out`, publishing their tables together -> names of
    the analyses run. A missing dependency is an error, never a silently missing table."""
    from .outdir import transaction

    ran = []
    with transaction(out, wait=True):
        for name in in_order(analyses):  # reuse first: framing reads reuse_pairs (voice)
            run_analysis(name, out)
            ran.append(name)
    return ran


def resolve_meta(corpus: str | Path, meta: str | Path | None) -> Path | None:
    """The metadata file a notebook should use -> path, or None.

    `meta=None` means "no metadata" for any corpus but the seeds, whose curated metadata (`data/metadata.csv`)
    is used then: the seeds' file joined onto another corpus would only add error rows for five absent articles.
    """
    if meta is not None:
        return Path(meta).resolve()
    return METADATA_CSV if is_seeds(corpus) else None


def is_seeds(corpus: str | Path) -> bool:
    """Whether `corpus` is the project's own seeds/ (notebooks say things about the seeds only then)."""
    return Path(corpus).resolve() == SEEDS_DIR.resolve()


def ensure_tables(corpus: str | Path, out: str | Path, *, meta: str | Path | None = None,
                  pipeline: str = DEFAULT_PIPELINE,
                  analyses: Iterable[str] = tuple(ANALYSES)) -> Path:
    """Annotate `corpus` into `out` unless current tables are there, then run the analysis writers -> `out`.

    Tables are rebuilt when `stale_reason` gives a reason. Only what the workbench wrote is ever replaced: a
    folder holding anything else is refused (`OutputRefused`), never clobbered. Concurrent notebooks on one `out`
    wait for each other (the output folder's lock), so none reads half-rebuilt tables.
    """
    from .annotate.write import annotate_corpus, check_output_dir
    from .outdir import OutputSession

    out = Path(out)
    meta = resolve_meta(corpus, meta)
    check_output_dir(out, corpus=corpus)
    with OutputSession(out, wait=True):
        reason = stale_reason(corpus, out, meta=meta, pipeline=pipeline)
        if reason:
            log.info("annotating %s into %s: %s", corpus, out, reason)
            annotate_corpus(Path(corpus).resolve(), out, pipeline=pipeline,
                            meta=meta, progress=False)
        if reason or not analyses_current(out, analyses):  # analyses take seconds on a few hundred articles
            run_analyses(out, analyses)
    return out


def provenance_line(out: str | Path) -> str:
    """One line saying which pipeline, versions and corpus size made the tables in `out` -> text."""
    manifest_path = Path(out) / "manifest.json"
    m = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    n = len(read_table(out, "articles", columns=["article_id"]))
    return (f"tables: {n} articles annotated by pipeline {m.get('pipeline', '?')} "
            f"({m.get('pipeline_version', '?')}), workbench {m.get('workbench_version', __version__)}, "
            f"codebook {m.get('codebook_version', '?')}")


# DataTables options for every interactive table: paged, searchable, sortable, with the whole frame (maxBytes=0
# turns off itables' down-sampling of large frames) and buttons to change the page length and export CSV.
TABLE_OPTIONS = {
    "connected": False, "maxBytes": 0, "showIndex": False, "order": [], "pageLength": 10,
    "lengthMenu": [10, 25, 100, 1000], "classes": "display compact",
    "layout": {"topStart": "buttons", "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging"},
}


def interactive_tables() -> None:
    """Load the interactive-table library (itables, offline: its JavaScript is embedded, nothing is fetched) into
    the page; call once per notebook, before the first `show`, and keep that cell's output."""
    from itables import init_notebook_mode

    init_notebook_mode(all_interactive=False, connected=False)


class Table:
    """A frame shown as an interactive table (itables: paged, searchable, sortable, every row, CSV button; cells
    HTML-escaped) with a plain-text fallback. Its only run-to-run difference is the element id
    (masked for nbval by notebooks/nbval-sanitize.cfg)."""

    def __init__(self, df: pd.DataFrame, *, caption: str | None = None, max_rows: int = MAX_ROWS,
                 float_digits: int = 3) -> None:
        self.df, self.caption, self.max_rows, self.float_digits = df, caption, max_rows, float_digits

    def _head(self) -> tuple[pd.DataFrame, str]:
        shown = self.df.head(self.max_rows)
        more = len(self.df) - len(shown)
        note = f"{len(self.df)} rows" + (f", first {len(shown)} shown" if more else "")
        return shown, note

    def _rounded(self) -> pd.DataFrame:
        df = self.df.reset_index(drop=True)
        floats = df.select_dtypes("floating").columns
        return df.assign(**{c: df[c].round(self.float_digits) for c in floats})

    def _repr_html_(self) -> str:
        from itables import to_html_datatable

        cap = f"<b>{esc(self.caption)}</b> " if self.caption else ""
        if self.df.empty:
            return f'<div class="wb-table">{cap}<i>(no rows; columns: {esc(", ".join(map(str, self.df.columns)))})</i></div>'
        name = "".join(ch if ch.isalnum() else "-" for ch in (self.caption or "table")).strip("-")[:60] or "table"
        options = {**TABLE_OPTIONS,
                   "buttons": ["pageLength", {"extend": "csvHtml5", "title": name, "text": "CSV"},
                               {"extend": "copyHtml5", "text": "Copy"}]}
        body = to_html_datatable(self._rounded(), **options)
        return f'<div class="wb-table">{cap}<small>({len(self.df)} rows)</small>{body}</div>'

    def __repr__(self) -> str:
        shown, note = self._head()
        cap = f"{self.caption} " if self.caption else ""
        if self.df.empty:
            return f"{cap}(no rows; columns: {', '.join(map(str, self.df.columns))})"
        # Long texts (quotes) are cut in the plain-text view only; the HTML view shows them whole.
        shown = shown.apply(lambda col: col.map(lambda v: v[:57] + "..." if isinstance(v, str) and len(v) > 60 else v)
                            if not pd.api.types.is_numeric_dtype(col) else col)
        text = shown.to_string(index=False, na_rep="", float_format=lambda x: f"{x:.{self.float_digits}f}")
        return f"{cap}({note})\n{text}"


def show(df: pd.DataFrame, *, caption: str | None = None, max_rows: int = MAX_ROWS) -> Table:
    """A frame -> a displayable Table (interactive escaped HTML, plain-text repr); the last line of a cell shows it."""
    return Table(df, caption=caption, max_rows=max_rows)


def export(obj: object, path: str | Path) -> Path:
    """Save a table (DataFrame or `show`'s Table) as CSV, or a matplotlib figure as PNG/SVG/PDF (by suffix) -> path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(obj, Table):
        obj = obj.df
    if isinstance(obj, pd.DataFrame):
        obj.to_csv(path, index=False)
    elif hasattr(obj, "savefig"):
        obj.savefig(path, dpi=200, bbox_inches="tight")
    else:
        raise TypeError(f"cannot export a {type(obj).__name__}: give a DataFrame, a Table or a matplotlib figure")
    return path


def article_texts(corpus: str | Path, out: str | Path) -> dict[str, str]:
    """Read the article texts behind the tables in `out` from `corpus` -> {article_id: text}.

    Only articles whose text still has the SHA-256 recorded in the `articles` table are returned, so offsets from
    the tables always index the text shown.
    """
    from .corpus import Article, read_corpus

    want = dict(read_table(out, "articles", columns=["article_id", "sha256"]).itertuples(index=False))
    texts = {}
    for item in read_corpus(Path(corpus)):
        if isinstance(item, Article) and want.get(item.id) == item.sha256:
            texts[item.id] = item.text
    return texts


def with_outlet(df: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Rows of any per-article table -> the same rows with the article's source label as `outlet`, second column.

    The source label is `workbench.sources.source_label`'s: an unknown outlet becomes "unknown:<article_id>", so
    articles of unknown origin are never pooled into one pretend outlet, in every notebook alike.
    """
    from .sources import source_label

    outlets = pd.DataFrame({"article_id": articles["article_id"],
                            "outlet": [source_label(o, a) for o, a in zip(articles["outlet"], articles["article_id"])]})
    merged = df.drop(columns=["outlet"], errors="ignore").merge(outlets, on="article_id", how="left")
    cols = ["article_id", "outlet", *[c for c in df.columns if c not in ("article_id", "outlet")]]
    return merged[cols]


def count_table(df: pd.DataFrame, index: str | list[str], columns: str) -> pd.DataFrame:
    """Long rows -> a wide count view (one row per `index` value, one column per `columns` value, plus total).

    Returns:
        DataFrame with the `index` column(s), one int column per distinct `columns` value (sorted), and `total`.
    """
    index = [index] if isinstance(index, str) else list(index)
    if df.empty:
        return pd.DataFrame(columns=[*index, "total"])
    wide = df.groupby([*index, columns], dropna=False).size().unstack(columns, fill_value=0)
    wide = wide.reindex(sorted(wide.columns, key=str), axis=1)
    wide.columns = [str(c) for c in wide.columns]
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index().sort_values(index, kind="stable").reset_index(drop=True)


def dateline_summary(articles: pd.DataFrame, *, tolerance_days: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per outlet, how many articles date themselves (dateline) and how many disagree with `published` by more
    than `tolerance_days`; and those articles -> (summary, disagreements). Relative dates follow the dateline."""
    df = articles.copy()
    if "dateline" not in df:
        df["dateline"], df["dateline_gap_days"] = None, None
    df["outlet"] = df["outlet"].fillna("unknown:" + df["article_id"].astype(str))
    gap = pd.to_numeric(df["dateline_gap_days"], errors="coerce")
    df["disagrees"] = gap.abs() > tolerance_days
    summary = (df.groupby("outlet", sort=True)
               .agg(articles=("article_id", "size"), with_dateline=("dateline", lambda s: int(s.notna().sum())),
                    disagree=("disagrees", "sum"))
               .reset_index())
    summary["disagree"] = summary["disagree"].astype(int)
    cols = ["article_id", "outlet", "published", "dateline", "dateline_gap_days"]
    bad = df.loc[df["disagrees"], cols].sort_values(["outlet", "article_id"]).reset_index(drop=True)
    return summary, bad
