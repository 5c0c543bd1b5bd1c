"""Speaker, quote-span and date-value scores of both pipelines on the hand-labelled sets (not a timed test).

    .venv/bin/python benchmarks/bench_speakers_dates.py [--pipelines rules,en_core_web_sm] [--sets dev,pages,fakes]
                                                        [--errors N]

Sets:
- `dev`: the seeds against `data/gold-dev` (the two articles the rules were written on);
- `pages`: 26 real news pages against `data/gold-pages` (labelled before tuning), scored on the article's headline
  and body lines only (`pages-dev/lines.jsonl`); the annotators still see the blocks the segmenter found, so a body
  line it calls boilerplate loses its dates;
- `pages-lines`: the same with the hand line labels as blocks (the annotators measured apart from segmentation);
- `fakes`: a judged sample of quotes of the FA-KES development half (Abu Salem et al. 2019, CC BY,
  `shared/data/fakes-dev`) in `data/gold-fakes/quotes.jsonl`: only the sampled quotes are scored (speaker accuracy
  among them, and how many the pipeline found).

Printed per set and pipeline: quote span F1 (overlap matching as `workbench evaluate`), speaker accuracy among
matched quotes (strict string equality, and `speaker_acc_norm`: both names through the gazetteer's canonical form,
case-folded, without a leading "the", so "UK" = "United Kingdom"), date value F1
(`workbench evaluate`'s timex F1: a match with the same value) and value accuracy among matches.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from workbench.annotate.pipeline import build_pipeline
from workbench.annotate.quotes import gazetteer_lookup
from workbench.annotate.run import annotate_articles
from workbench.config import METADATA_CSV, SEEDS_DIR
from workbench.corpus import Article, iter_articles, read_corpus
from workbench.evaluate import load_gold, match_rows, score_table

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
PAGES_LINES = Path("/work/shared/data/pages-dev/lines.jsonl")


def _norm_speaker(v: object) -> str | None:
    """A speaker as the gazetteer names it (spelling variants of one name agree), case-folded, without "the"."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    s = s[4:] if s.lower().startswith("the ") else s
    hit = gazetteer_lookup(s)
    return (hit.canonical if hit is not None else s).casefold()


def _article_lines(path: Path, ids: set[str]) -> dict[str, list[tuple[int, int]]]:
    """Article id -> spans of its headline and body lines (pages-dev labels)."""
    out: dict[str, list[tuple[int, int]]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["article_id"] in ids and r["label"] in ("headline", "body"):
                out.setdefault(r["article_id"], []).append((r["start"], r["end"]))
    return out


def _inside(df: pd.DataFrame, spans: dict[str, list[tuple[int, int]]]) -> pd.DataFrame:
    if not len(df):
        return df
    keep = [any(s <= r.start < e for s, e in spans.get(r.article_id, [])) for r in df.itertuples()]
    return df[keep]


def annotate(items: list, pipeline: str) -> dict[str, pd.DataFrame]:
    """Annotate articles with a pipeline -> quotes and timex frames."""
    rec = annotate_articles(items, build_pipeline(pipeline), tables=("quotes", "timex"))
    cols = {"quotes": ["article_id", "start", "end", "text", "speaker"],
            "timex": ["article_id", "start", "end", "text", "type", "value", "mod"]}
    return {t: pd.DataFrame(rec.tables.get(t, []), columns=cols[t]) for t in cols}


def quote_scores(gold: pd.DataFrame, pred: pd.DataFrame) -> tuple[dict, list]:
    """Span F1 and speaker accuracy (strict and normalised) of quotes -> (scores, speaker errors)."""
    score, _ = score_table("quotes", gold, pred)
    row = score.as_row()
    n = ok_norm = 0
    errors = []
    for aid in sorted(gold["article_id"].unique()):
        g = gold[gold["article_id"] == aid].to_dict("records")
        p = pred[pred["article_id"] == aid].to_dict("records")
        for gi, pi in match_rows("quotes", g, p):
            n += 1
            same = _norm_speaker(g[gi].get("speaker")) == _norm_speaker(p[pi].get("speaker"))
            ok_norm += same
            if not same:
                errors.append((aid, g[gi]["text"][:60], g[gi].get("speaker"), p[pi].get("speaker")))
    return {"quotes_gold": row["gold"], "quotes_pred": row["pred"], "span_f1": row["span_f1"],
            "speaker_acc": row["label_accuracy"], "speaker_acc_norm": ok_norm / n if n else 0.0}, errors


def timex_scores(gold: pd.DataFrame, pred: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Date value F1 and value accuracy among matches -> (scores, disagreements)."""
    score, issues = score_table("timex", gold, pred)
    row = score.as_row()
    return {"timex_gold": row["gold"], "timex_pred": row["pred"], "value_f1": row["f1"],
            "timex_span_f1": row["span_f1"], "value_acc": row["label_accuracy"]}, issues


def run_dev(pipeline: str) -> tuple[dict, list, pd.DataFrame]:
    """The seeds against gold-dev."""
    gold_dir = ROOT / "data" / "gold-dev"
    items = list(iter_articles(SEEDS_DIR, meta=METADATA_CSV))
    out = annotate(items, pipeline)
    q, qerr = quote_scores(load_gold(gold_dir, "quotes"), out["quotes"])
    t, terr = timex_scores(load_gold(gold_dir, "timex"), out["timex"])
    return q | t, qerr, terr


def _oracle_segment(labels: dict[tuple[str, int], str]):
    """`blocks.segment` with each line's kind taken from the pages-dev labels (headline, body, else boilerplate)."""
    from workbench.blocks import segment

    def seg(text: str, article_id: str = "", **kwargs):
        return [b._replace(kind=labels.get((article_id, b.start), "boilerplate"))
                for b in segment(text, article_id, **kwargs)]

    return seg


def run_pages(pipeline: str, *, oracle_blocks: bool = False) -> tuple[dict, list, pd.DataFrame]:
    """The hand-labelled real pages, scored on their article lines (with `oracle_blocks`, the lines' kinds are the
    hand labels, so the annotators are measured apart from block segmentation)."""
    gold_dir = ROOT / "data" / "gold-pages"
    items = list(iter_articles(gold_dir / "corpus", meta=gold_dir / "meta.csv"))
    if oracle_blocks:
        import workbench.annotate.run as run

        with open(PAGES_LINES, encoding="utf-8") as fh:
            labels = {(r["article_id"], r["start"]): {"headline": "headline", "body": "body"}.get(r["label"],
                                                                                               "boilerplate")
                      for r in map(json.loads, fh)}
        original = run.segment
        run.segment = _oracle_segment(labels)
        try:
            out = annotate(items, pipeline)
        finally:
            run.segment = original
    else:
        out = annotate(items, pipeline)
    gq, gt = load_gold(gold_dir, "quotes"), load_gold(gold_dir, "timex")
    spans = _article_lines(PAGES_LINES, set(gq["article_id"]) | set(gt["article_id"]))
    q, qerr = quote_scores(gq, _inside(out["quotes"], spans))
    t, terr = timex_scores(gt, _inside(out["timex"], spans))
    return q | t, qerr, terr


def run_fakes(pipeline: str) -> tuple[dict, list, pd.DataFrame]:
    """The judged sample of FA-KES quotes: speaker accuracy on the sampled quotes only."""
    gold = load_gold(ROOT / "data" / "gold-fakes", "quotes")
    ids = set(gold["article_id"])
    items = [a for a in read_corpus(SHARED / "fakes-dev" / "corpus.csv") if isinstance(a, Article) and a.id in ids]
    out = annotate(items, pipeline)
    pred = out["quotes"]
    q, qerr = quote_scores(gold, pred)
    # Only the sampled quotes were judged: other predicted quotes are neither right nor wrong here.
    q["span_f1"] = float("nan")
    q["found"] = q.pop("quotes_pred")
    matched = sum(len(match_rows("quotes", gold[gold.article_id == a].to_dict("records"),
                                 pred[pred.article_id == a].to_dict("records"))) for a in ids)
    q["found"] = f"{matched}/{len(gold)}"
    return q, qerr, pd.DataFrame()


SETS = {"dev": run_dev, "pages": run_pages, "pages-lines": lambda p: run_pages(p, oracle_blocks=True),
        "fakes": run_fakes}


def main(argv: list[str] | None = None) -> int:
    """Print the scores table (and the first errors of each kind)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pipelines", default="rules,en_core_web_sm")
    ap.add_argument("--sets", default="dev,pages,pages-lines,fakes")
    ap.add_argument("--errors", type=int, default=0, help="print this many speaker and value errors per run")
    args = ap.parse_args(argv)
    rows = []
    for name in args.sets.split(","):
        for pipeline in args.pipelines.split(","):
            scores, qerr, terr = SETS[name](pipeline)
            rows.append({"set": name, "pipeline": pipeline} | scores)
            if args.errors:
                print(f"== {name} / {pipeline}: speaker errors (article, quote, gold, predicted)")
                for e in qerr[: args.errors]:
                    print("  ", e)
                if len(terr):
                    print(f"== {name} / {pipeline}: timex errors")
                    for r in terr.head(args.errors).itertuples():
                        g = r.gold or {}
                        p = r.pred or {}
                        print(f"   {r.issue:8s} {r.article_id} gold={g.get('text')!r}:{g.get('value')} "
                              f"pred={p.get('text')!r}:{p.get('value')}")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.precision", 3):
        print(pd.DataFrame(rows).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
