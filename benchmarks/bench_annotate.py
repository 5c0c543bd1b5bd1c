"""Benchmark: words/s of each annotation pipeline through the workbench vs its bare spaCy baseline, same run.

Usage: python benchmarks/bench_annotate.py [--words 200000] [--pipelines rules,en_core_web_sm] [--components]

Baselines: `spacy.blank("en")` tokenisation for `rules`; bare `nlp.pipe` of the model for a model pipeline.
"Through the workbench" = `annotate_articles` (blocks, sentences, all wb_* components and table records).
Each mode runs in its own process so its peak RSS is its own.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import time

from _common import peak_rss_mib

from workbench.config import SEEDS_DIR


def corpus(words: int) -> list[tuple[str, str]]:
    """Cycle the seeds until about `words` words -> [(id, text)]."""
    seeds = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS_DIR.glob("*.txt"))]
    out, n, i = [], 0, 0
    while n < words:
        sid, text = seeds[i % len(seeds)]
        out.append((f"{i:06d}_{sid}", text))
        n += len(text.split())
        i += 1
    return out


def run_mode(mode: str, pipeline: str, words: int, queue) -> None:
    """Time one mode in this (child) process and put (seconds, words, peak RSS MiB) on the queue."""
    import spacy

    from workbench.annotate import build_pipeline
    from workbench.annotate.pipeline import resolve_model
    from workbench.annotate.run import annotate_articles
    from workbench.corpus import Article

    docs = corpus(words)
    n_words = sum(len(t.split()) for _, t in docs)
    if mode == "bare":
        nlp = spacy.blank("en") if pipeline == "rules" else spacy.load(resolve_model(pipeline))
        t0 = time.perf_counter()
        for _ in nlp.pipe((t for _, t in docs), batch_size=32):
            pass
    else:
        nlp = build_pipeline(pipeline)
        arts = [Article(id=i, text=t, source_path=i) for i, t in docs]
        t0 = time.perf_counter()
        annotate_articles(arts, nlp)
    queue.put((time.perf_counter() - t0, n_words, peak_rss_mib()))


def measure(mode: str, pipeline: str, words: int) -> tuple[float, int, float]:
    """Run a mode in a fresh process -> (seconds, words, peak RSS MiB)."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=run_mode, args=(mode, pipeline, words, q))
    p.start()
    result = q.get()
    p.join()
    return result


def component_times(pipeline: str, words: int, repeats: int = 3) -> list[tuple[str, float]]:
    """CPU seconds of each step of the workbench path over the corpus (best of `repeats`) -> [(step, seconds)].

    Steps: block segmentation, tokenisation, every pipe component, table records. The garbage collector is
    frozen after set-up so a full collection of the Docs held here is not billed to whichever step it lands in.
    """
    import gc

    from workbench.annotate import build_pipeline
    from workbench.annotate.base import make_doc
    from workbench.annotate.run import RECORD_FUNCS, sentence_records
    from workbench.blocks import segment

    docs = corpus(words)
    nlp = build_pipeline(pipeline)
    best: dict[str, float] = {}

    def clock(name: str, fn) -> object:
        t0 = time.process_time()
        out = fn()
        best[name] = min(best.get(name, float("inf")), time.process_time() - t0)
        return out

    for _ in range(repeats):
        gc.collect()
        gc.freeze()
        blocks = clock("block segmentation", lambda: [segment(t, i) for i, t in docs])
        ds = clock("tokenisation", lambda: [make_doc(nlp, t, article_id=i) for i, t in docs])
        for d, b in zip(ds, blocks):
            d.user_data["wb_blocks"] = b
        for name, proc in nlp.pipeline:
            clock(name, lambda: [proc(d) for d in ds])
        clock("table records", lambda: [(sentence_records(d), [f(d) for f in RECORD_FUNCS.values()]) for d in ds])
        ds = []  # let the Docs go before the next round
        gc.unfreeze()
    return list(best.items())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--pipelines", default="rules,en_core_web_sm")
    ap.add_argument("--components", action="store_true",
                    help="also print CPU seconds per step of the rules pipeline (what the ratio is made of)")
    args = ap.parse_args()
    print(f"{'pipeline':<16}{'mode':<12}{'seconds':>9}{'words/s':>12}{'peak RSS MiB':>14}")
    for pipeline in args.pipelines.split(","):
        res = {}
        for mode in ("bare", "workbench"):
            secs, n, rss = measure(mode, pipeline, args.words)
            res[mode] = n / secs
            print(f"{pipeline:<16}{mode:<12}{secs:>9.2f}{n / secs:>12,.0f}{rss:>14.0f}")
        base = "blank tokeniser" if pipeline == "rules" else "bare model"
        print(f"{pipeline:<16}ratio workbench / {base}: {res['workbench'] / res['bare']:.3f}")
    if args.components:
        steps = component_times("rules", args.words)
        tok = dict(steps)["tokenisation"]
        print("\nrules pipeline, CPU seconds per step (best of 3), and as a share of tokenisation:")
        for name, secs in steps:
            print(f"  {name:<22}{secs:>8.3f}{secs / tok:>8.2f}x")
        rest = sum(secs for name, secs in steps if name != "tokenisation")
        print(f"  {'all but tokenisation':<22}{rest:>8.3f}{rest / tok:>8.2f}x  (>= 0.5 ratio needs <= 1.00x)")


if __name__ == "__main__":
    main()
