"""Validate annotations on the corpus at hand: draw a judging sheet, keep judgements, measure precision.

Content-analysis practice validates automated coding against human judgement on the corpus being studied, not only
on hand annotations written elsewhere. The loop here:

1. `draw_sample` draws a stratified, reproducible sample of one annotation table (every stratum represented) as a
   judging sheet: the row's key (`article_id, start, end`), its labels, the sentence in context, and empty
   `judgement` (correct | wrong | unsure) and `fix` (the right label) columns.
2. A researcher fills `judgement` by hand, or in notebook 07, which appends one line per judgement to a log next to
   the sheet (`append_judgement`): nothing is ever rewritten, the latest line per row wins (`read_judgements`).
3. `validity_table` turns judgements into precision per stratum with Wilson intervals, the whole table's precision
   weighted by stratum size, and recall where whole articles were read in full.
4. `workbench.adjust.adjusted_framing` rescales the framing counts by the measured precision.

References:
    Krippendorff, K. (2018). Content Analysis: An Introduction to Its Methodology (4th ed.), ch. 13 (validity).
    Grimmer, J., & Stewart, B. M. (2013). Text as data. Political Analysis, 21(3), 267-297 ("validate, validate,
    validate").
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .config import DATA_DIR
from .sources import source_label
from .stats import Z95, wilson_interval
from .tables import read_table

JUDGEMENTS_DIR = DATA_DIR / "judgements"
SAMPLED_TABLES = ("mentions", "quotes", "figures", "timex")
LABELS = {"mentions": ("surface", "term", "actor"), "quotes": ("text", "speaker"),
          "figures": ("text", "value", "what", "unit"), "timex": ("text", "type", "value")}
# The label a bare `fix` value replaces (a fix may also say `column=value; column=value`).
FIX_COLUMN = {"mentions": "actor", "quotes": "speaker", "figures": "value", "timex": "value"}
# `what` of figures has hundreds of values on a real corpus: stratify figures by outlet only.
DEFAULT_BY = {"mentions": ("actor", "outlet"), "quotes": ("outlet",), "figures": ("outlet",),
              "timex": ("type", "outlet")}
JUDGEMENTS = ("correct", "wrong", "unsure", "missed")
KEY = ("table", "article_id", "start", "end")
SHEET_HEAD = ("table", "article_id", "start", "end", "sha256", "outlet", "published", "stratum")
SHEET_TAIL = ("context", "span_start", "span_end", "read_full", "judgement", "fix", "note")
LOG_TAIL = ("judged_at", "author")
DELETE_FIXES = ("delete", "-")
VALIDITY_COLUMNS = ["table", "level", "population", "judged", "correct", "wrong", "unsure", "precision", "low", "high",
                    "recall_found", "recall_missed", "recall", "recall_low", "recall_high"]


# ------------------------------------------------------------------------------------------------ the population

def population(out: str | Path, table: str) -> pd.DataFrame:
    """Every row of an annotation table in `out`, with its article's outlet label, date and sha256 -> frame."""
    if table not in SAMPLED_TABLES:
        raise ValueError(f"cannot sample table {table!r} (one of {', '.join(SAMPLED_TABLES)})")
    rows = read_table(out, table)
    arts = read_table(out, "articles", columns=["article_id", "outlet", "published", "sha256"])
    arts = arts.assign(outlet=[source_label(o, a) for o, a in zip(arts["outlet"], arts["article_id"])])
    rows = rows.drop(columns=["outlet"], errors="ignore").merge(arts, on="article_id", how="inner")
    return rows.sort_values(["article_id", "start", "end"], kind="stable").reset_index(drop=True)


def stratum_labels(rows: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Rows + stratum columns -> one label per row, `column=value; column=value` (missing values read '-')."""
    if not by:
        return pd.Series("all", index=rows.index, dtype=object)
    parts = [rows[c].map(lambda v, c=c: f"{c}={'-' if v is None or (isinstance(v, float) and np.isnan(v)) else v}")
             for c in by]
    out = parts[0]
    for p in parts[1:]:
        out = out + "; " + p
    return out


def parse_stratum(label: str) -> dict[str, str]:
    """A stratum label `actor=X; outlet=Y` -> {"actor": "X", "outlet": "Y"} ('all' -> {})."""
    if not isinstance(label, str) or label in ("", "all"):
        return {}
    return dict(p.split("=", 1) for p in (s.strip() for s in label.split(";")) if "=" in p)


def allocate(sizes: pd.Series, n: int) -> pd.Series:
    """Stratum sizes + sample size -> rows to draw per stratum: one each, the rest in proportion to size.

    The remainder is shared by largest remainders (ties to the larger stratum, then by label), never above a
    stratum's size. With more strata than `n` every stratum still gets one row, so the sample exceeds `n`.
    """
    sizes = sizes[sizes > 0].sort_index()
    take = pd.Series(1, index=sizes.index, dtype="int64")
    rest = min(max(n - len(sizes), 0), int(sizes.sum()) - len(sizes))
    while rest > 0:
        room = sizes - take
        quota = rest * room / room.sum()
        extra = np.minimum(np.floor(quota).astype("int64"), room)
        left = rest - int(extra.sum())
        if left:
            order = pd.DataFrame({"r": quota - extra, "s": sizes, "room": room - extra})
            order = order[order["room"] > 0].sort_values(["r", "s"], ascending=[False, False], kind="stable")
            extra.loc[order.index[:left]] += 1
        take += extra
        rest -= int(extra.sum())
    return take


# ------------------------------------------------------------------------------------------------ the sheet

def _context(sents: pd.DataFrame, start: int, end: int, *, around: int = 1) -> tuple[str, int]:
    """Sentences of one article (sorted) + a span -> (text of the sentences covering it and `around` either side,
    offset of that text in the article). Gaps between sentences become spaces so offsets stay exact."""
    hit = np.flatnonzero((sents["start"].to_numpy() < max(end, start + 1)) & (sents["end"].to_numpy() > start))
    if not len(hit):
        return "", start
    lo, hi = max(hit[0] - around, 0), min(hit[-1] + around, len(sents) - 1)
    part = sents.iloc[lo:hi + 1]
    base, pos, out = int(part["start"].iloc[0]), int(part["start"].iloc[0]), []
    for s, e, t in zip(part["start"], part["end"], part["text"]):
        if s < pos:  # overlapping sentences: keep what is new
            t, s = t[pos - s:], pos
        out.append(" " * (s - pos) + t)
        pos = max(pos, int(e))
    return "".join(out), base


def sheet_frame(rows: pd.DataFrame, table: str, sentences: pd.DataFrame, *, read_full: bool = False) -> pd.DataFrame:
    """Rows of `population` (with a `stratum` column) -> judging-sheet rows (columns SHEET_HEAD, labels, SHEET_TAIL)."""
    labels = list(LABELS[table])
    by_article = {a: g.sort_values("start", kind="stable") for a, g in
                  sentences[sentences["article_id"].isin(set(rows["article_id"]))].groupby("article_id")}
    empty = pd.DataFrame(columns=["start", "end", "text"])
    ctx = [_context(by_article.get(a, empty), int(s), int(e)) for a, s, e in
           zip(rows["article_id"], rows["start"], rows["end"])]
    out = pd.DataFrame({
        "table": table, "article_id": rows["article_id"].to_numpy(), "start": rows["start"].astype("int64").to_numpy(),
        "end": rows["end"].astype("int64").to_numpy(), "sha256": rows["sha256"].to_numpy(),
        "outlet": rows["outlet"].to_numpy(), "published": rows["published"].astype(str).to_numpy(),
        "stratum": rows["stratum"].to_numpy(),
    })
    for c in labels:
        out[c] = rows[c].to_numpy()
    out["context"] = [c for c, _ in ctx]
    out["span_start"] = [int(s) - b for (_, b), s in zip(ctx, rows["start"])]
    out["span_end"] = [int(e) - b for (_, b), e in zip(ctx, rows["end"])]
    out["read_full"] = "yes" if read_full else ""
    for c in ("judgement", "fix", "note"):
        out[c] = ""
    return out


def draw_sample(out: str | Path, table: str, n: int, *, by: Sequence[str] | None = None, seed: int = 0,
                whole_articles: int = 0) -> pd.DataFrame:
    """A stratified random sample of `table` in `out` as a judging sheet -> frame (same seed, same rows).

    Args:
        out: folder written by `workbench annotate`.
        table: mentions, quotes, figures or timex.
        n: rows wanted; every stratum gets at least one (see `allocate`).
        by: stratum columns of the table or `outlet` (default DEFAULT_BY[table]).
        seed: random seed; rows are drawn with numpy's Generator(PCG64) over rows sorted by key.
        whole_articles: also put every row of this many randomly chosen articles on the sheet, marked
            `read_full = yes`: read those articles in full and add what the annotator missed as `missed` rows,
            and `validity` estimates recall from them.

    Returns:
        DataFrame with columns table, article_id, start, end, sha256, outlet, published, stratum, the table's labels
        (LABELS), context (the sentence with one sentence either side), span_start, span_end (the span's offsets in
        context), read_full, judgement, fix, note; sorted by stratum, article_id, start.
    """
    by = list(DEFAULT_BY[table] if by is None else by)
    rows = population(out, table)
    missing = [c for c in by if c not in rows.columns]
    if missing:
        raise ValueError(f"table {table} has no column(s) {', '.join(missing)} to stratify by")
    rows["stratum"] = stratum_labels(rows, by)
    rng = np.random.default_rng(seed)
    take = allocate(rows.groupby("stratum").size(), n)
    picked = []
    for label, k in take.items():
        idx = rows.index[rows["stratum"] == label].to_numpy()
        picked.append(np.sort(rng.choice(idx, size=int(k), replace=False)))
    chosen = rows.loc[np.concatenate(picked)] if picked else rows.iloc[0:0]
    sentences = read_table(out, "sentences", columns=["article_id", "start", "end", "text"])
    sheet = sheet_frame(chosen, table, sentences)
    if whole_articles:
        ids = np.sort(rows["article_id"].unique())
        full = set(rng.choice(ids, size=min(whole_articles, len(ids)), replace=False))
        sheet = sheet[~sheet["article_id"].isin(full)]
        sheet = pd.concat([sheet, sheet_frame(rows[rows["article_id"].isin(full)], table, sentences, read_full=True)],
                          ignore_index=True)
    return sheet.sort_values(["stratum", "article_id", "start", "end"], kind="stable").reset_index(drop=True)


def write_sheet(sheet: pd.DataFrame, path: str | Path) -> Path:
    """Write a judging sheet as CSV, refusing to overwrite a file (it may hold judgements) -> path (FileExistsError)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="") as fh:
        sheet.to_csv(fh, index=False, lineterminator="\n")
    return path


def load_or_draw(path: str | Path, out: str | Path, *, table: str = "mentions", n: int = 60,
                 by: Sequence[str] | None = None, seed: int = 0) -> pd.DataFrame:
    """The judging sheet at `path`, drawn from `out` (`draw_sample`) and written there first if it does not exist."""
    if not Path(path).exists():
        write_sheet(draw_sample(out, table, n, by=by, seed=seed), path)
    return read_sheet(path)


def read_sheet(path: str | Path) -> pd.DataFrame:
    """A judging sheet (or judgement log) CSV -> frame with empty cells as '' and offsets as int."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for c in ("start", "end", "span_start", "span_end"):
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce").fillna(-1).astype("int64")
    return df


# ------------------------------------------------------------------------------------------------ judgements

def log_path(sheet_path: str | Path) -> Path:
    """The append-only judgement log kept next to a sheet: `x.csv` -> `x.judgements.csv`."""
    p = Path(sheet_path)
    return p.with_name(p.stem + ".judgements.csv")


def append_judgement(log: str | Path, row: dict, judgement: str, *, fix: str = "", note: str = "",
                     author: str = "") -> dict:
    """Append one judged sheet row to the log (header once; an existing line is never rewritten) -> the line."""
    if judgement not in JUDGEMENTS:
        raise ValueError(f"judgement {judgement!r} is not one of {', '.join(JUDGEMENTS)}")
    log = Path(log)
    line = {k: v for k, v in row.items() if k not in LOG_TAIL}
    line.update(judgement=judgement, fix=fix or "", note=note or "",
                judged_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), author=author or "")
    fields = list(line)
    if log.exists() and log.stat().st_size:
        with open(log, encoding="utf-8", newline="") as fh:
            fields = next(csv.reader(fh))
        missing = [k for k in line if k not in fields]
        if missing:
            raise ValueError(f"{log} has no column(s) {', '.join(missing)}; start a new log")
        with open(log, "rb") as fh:
            fh.seek(-1, 2)
            newline = fh.read(1) not in (b"\n", b"\r")
        with open(log, "a", encoding="utf-8", newline="") as fh:
            if newline:
                fh.write("\n")
            csv.DictWriter(fh, fieldnames=fields, lineterminator="\n").writerow(line)
    else:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerow(line)
    return line


def _judgement_files(source: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(source, (str, Path)):
        p = Path(source)
        return sorted(p.rglob("*.csv")) if p.is_dir() else [p]
    return [f for s in source for f in _judgement_files(s)]


def read_judgements(source: str | Path | Iterable[str | Path]) -> pd.DataFrame:
    """Judged sheets and logs (files, or folders searched for *.csv) -> one row per judged row, the latest line wins.

    Files are read in name order and lines in file order; lines with an empty `judgement` are skipped, so a sheet
    and its log may be passed together. Files without the key and judgement columns are ignored.
    """
    frames = []
    for f in _judgement_files(source):
        if not f.is_file():
            raise FileNotFoundError(f"no judgements at {f}")
        df = read_sheet(f)
        if not {*KEY, "judgement"} <= set(df.columns):
            continue
        df = df[df["judgement"].str.strip() != ""].copy()
        df["judgement"] = df["judgement"].str.strip().str.lower()
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=[*SHEET_HEAD, "judgement", "fix"])
    out = pd.concat(frames, ignore_index=True).fillna("")
    bad = sorted(set(out["judgement"]) - set(JUDGEMENTS))
    if bad:
        raise ValueError(f"unknown judgement(s) {', '.join(bad)} (expected {', '.join(JUDGEMENTS)})")
    # a row judged on another version of its article is another judgement (matching() picks the current one)
    out = out.drop_duplicates([*KEY, *(["sha256"] if "sha256" in out.columns else [])], keep="last")
    return out.sort_values(list(KEY), kind="stable").reset_index(drop=True)


def sheet_judgements(sheet_path: str | Path) -> pd.DataFrame:
    """A sheet's judgements: those typed into the sheet and those appended to its log (latest wins) -> frame."""
    log = log_path(sheet_path)
    return read_judgements([Path(sheet_path), *([log] if log.exists() else [])])


def default_sheet(out: str | Path, table: str) -> Path:
    """Where notebook 07 keeps the sheet for a folder of tables: `<out>-judging/<table>.csv`, beside `out` (a
    folder of tables holds only what the workbench writes there)."""
    out = Path(out)
    return out.parent / f"{out.name}-judging" / f"{table}.csv"


def progress(sheet: pd.DataFrame, judgements: pd.DataFrame) -> tuple[int, int]:
    """A sheet + judgements -> (rows of the sheet judged, rows on the sheet)."""
    keys = set(map(tuple, judgements[list(KEY)].astype(str).to_numpy())) if len(judgements) else set()
    done = sum(tuple(map(str, k)) in keys for k in sheet[list(KEY)].to_numpy())
    return done, len(sheet)


def matching(judgements: pd.DataFrame, out: str | Path) -> pd.DataFrame:
    """Judgements -> those still about rows annotated in `out`: same article text (sha256), and for judged rows
    (not `missed`) a row with the same key and the same labels (the annotation judged has not changed since)."""
    if not len(judgements):
        return judgements
    arts = read_table(out, "articles", columns=["article_id", "sha256"])
    ok = set(zip(arts["article_id"], arts["sha256"]))
    j = judgements[[(a, s) in ok for a, s in zip(judgements["article_id"], judgements.get("sha256", ""))]]
    keep = pd.Series(True, index=j.index)
    for table, g in j.groupby("table"):
        if table not in LABELS:
            keep[g.index] = False
            continue
        labels = [c for c in LABELS[table] if c in g.columns and c != "text"]
        rows = read_table(out, table, columns=["article_id", "start", "end", *labels])
        present = {(a, int(s), int(e), *map(_label_str, rest))
                   for a, s, e, *rest in rows.itertuples(index=False, name=None)}
        keys = g[["article_id", "start", "end", *labels]].itertuples(index=False, name=None)
        keep[g.index] = [jm == "missed" or (a, int(s), int(e), *map(_label_str, rest)) in present
                         for jm, (a, s, e, *rest) in zip(g["judgement"], keys)]
    return j[keep].reset_index(drop=True)


def _label_str(v: object) -> str:
    """A label as read back from a CSV sheet compares equal to the same label in a table (12 == '12.0')."""
    try:
        f = float(v)
        return "" if np.isnan(f) else repr(f)
    except (TypeError, ValueError):
        return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


# ------------------------------------------------------------------------------------------------ validity

def _wilson(k: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, k / n, np.nan)
    low, high = wilson_interval(k, n, z=z)
    return p, low, high


def weighted_precision(sizes: np.ndarray, judged: np.ndarray, correct: np.ndarray, *,
                       z: float = Z95) -> tuple[float, float, float]:
    """Per-stratum population sizes, judged and correct counts -> (precision weighted by size, low, high).

    Strata with nothing judged are left out and the weights renormalised. The interval is Wilson's at the
    effective sample size of the stratified estimate, n_eff = 1 / sum(W_h^2 / n_h) (Kish's design effect), which
    equals the plain Wilson interval when the sample is proportional.

    References:
        Kish, L. (1965). Survey Sampling, ch. 3 (stratified sampling) and 8.2 (design effect).
    """
    sizes, judged, correct = (np.asarray(a, dtype=float) for a in (sizes, judged, correct))
    ok = judged > 0
    if not ok.any():
        return np.nan, np.nan, np.nan
    w = sizes[ok] / sizes[ok].sum()
    p = float(np.sum(w * correct[ok] / judged[ok]))
    n_eff = 1.0 / float(np.sum(w * w / judged[ok]))
    low, high = wilson_interval(p * n_eff, n_eff, z=z)
    return p, float(low), float(high)


def validity_table(out: str | Path, judgements: pd.DataFrame, *, z: float = Z95) -> pd.DataFrame:
    """Judgements of rows annotated in `out` -> the `validity` table.

    One row per table and stratum (level "stratum"), and one per table (level "table") whose precision is
    weighted by stratum size (`weighted_precision`). `unsure` judgements count in `unsure` only. Recall is
    estimated only from articles read in full (`read_full` = yes): rows found there and judged correct over
    those plus the spans judged `missed`.

    Returns:
        DataFrame with columns table, the stratum columns of the sheets (e.g. actor, outlet; '' on table rows),
        level, population (rows of the table in the stratum), judged (correct + wrong), correct, wrong, unsure,
        precision, low, high (Wilson 95%), recall_found, recall_missed, recall, recall_low, recall_high.
    """
    j = matching(judgements, out)
    strata_cols: list[str] = []
    for s in j["stratum"].unique() if len(j) else []:
        strata_cols += [c for c in parse_stratum(s) if c not in strata_cols]
    rows = []
    for table, jt in (j.groupby("table", sort=True) if len(j) else []):
        pop = population(out, table)
        by = list(dict.fromkeys(c for s in jt["stratum"].unique() for c in parse_stratum(s)))
        pop["stratum"] = stratum_labels(pop, by)
        sizes = pop.groupby("stratum").size()
        sampled = jt[jt["judgement"] != "missed"]
        full = jt[jt["read_full"].str.lower().isin(["yes", "true", "1"])] if "read_full" in jt.columns else jt.iloc[0:0]
        per = []
        for stratum in sorted(set(sampled["stratum"]) | set(full["stratum"])):
            g = sampled[sampled["stratum"] == stratum]
            f = full[full["stratum"] == stratum]
            per.append({"table": table, **parse_stratum(stratum), "level": "stratum",
                        "population": int(sizes.get(stratum, 0)),
                        "correct": int((g["judgement"] == "correct").sum()),
                        "wrong": int((g["judgement"] == "wrong").sum()),
                        "unsure": int((g["judgement"] == "unsure").sum()),
                        "recall_found": int((f["judgement"] == "correct").sum()),
                        "recall_missed": int((f["judgement"] == "missed").sum())})
        df = pd.DataFrame(per)
        df["judged"] = df["correct"] + df["wrong"]
        p, lo, hi = weighted_precision(df["population"], df["judged"], df["correct"], z=z)
        rows.append(df)
        rows.append(pd.DataFrame([{"table": table, "level": "table", "population": int(len(pop)),
                                   **{c: int(df[c].sum()) for c in ("judged", "correct", "wrong", "unsure",
                                                                    "recall_found", "recall_missed")},
                                   "precision": p, "low": lo, "high": hi}]))
    if not rows:
        return pd.DataFrame(columns=VALIDITY_COLUMNS[:1] + VALIDITY_COLUMNS[1:])
    out_df = pd.concat(rows, ignore_index=True)
    st = out_df["level"] == "stratum"
    p, lo, hi = _wilson(out_df.loc[st, "correct"], out_df.loc[st, "judged"], z)
    out_df.loc[st, "precision"], out_df.loc[st, "low"], out_df.loc[st, "high"] = p, lo, hi
    tot = out_df["recall_found"] + out_df["recall_missed"]
    out_df["recall"], out_df["recall_low"], out_df["recall_high"] = _wilson(out_df["recall_found"], tot, z)
    for c in strata_cols:
        out_df[c] = out_df[c].fillna("") if c in out_df.columns else ""
    cols = ["table", *strata_cols, *VALIDITY_COLUMNS[1:]]
    out_df = out_df[cols].astype({c: "int64" for c in ("population", "judged", "correct", "wrong", "unsure",
                                                       "recall_found", "recall_missed")})
    out_df = out_df.astype({c: float for c in ("precision", "low", "high", "recall", "recall_low", "recall_high")})
    return out_df.sort_values(["table", "level", *strata_cols], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ fixes

def fix_values(table: str, fix: str) -> dict | None:
    """A sheet's `fix` cell -> the columns to correct ({} for nothing, None for 'delete': the row is false)."""
    from .corrections import parse_values

    s = (fix or "").strip()
    if not s:
        return {}
    if s.lower() in DELETE_FIXES:
        return None
    return parse_values(s) if "=" in s or s.startswith("{") else {FIX_COLUMN[table]: s}


def fixes_to_corrections(out: str | Path, judgements: pd.DataFrame, *, corrections_dir: str | Path | None = None,
                         author: str | None = None) -> list:
    """Turn every non-empty `fix` of judgements on `out` into a correction (corrections.correct/delete) -> list.

    A fix of `delete` (or `-`) deletes the row; `column=value; ...` changes those columns; a bare value changes
    FIX_COLUMN[table]. Fixes already on file (same row, same values) are not appended twice.
    """
    from . import corrections as C

    on_file = C.corrections_frame(corrections_dir)
    seen = {(r.action, r.table, r.article_id, int(r.start), int(r.end), tuple(sorted(r.values.items())))
            for r in on_file.itertuples()} if len(on_file) else set()
    made = []
    for r in matching(judgements, out).itertuples(index=False):
        values = fix_values(r.table, r.fix)
        if values == {}:
            continue
        action = "delete" if values is None else "correct"
        key = (action, r.table, r.article_id, int(r.start), int(r.end), tuple(sorted((values or {}).items())))
        coerced = tuple(sorted((k, C.coerce_value(r.table, k, v)) for k, v in (values or {}).items()))
        if key in seen or (*key[:5], coerced) in seen:
            continue
        note = "validation judgement"
        if values is None:
            made.append(C.delete(out, r.table, r.article_id, int(r.start), int(r.end), corrections_dir=corrections_dir,
                                 author=author, note=note))
        else:
            made.append(C.correct(out, r.table, r.article_id, int(r.start), int(r.end), corrections_dir=corrections_dir,
                                  author=author, note=note, **values))
        seen.add(key)
    return made
