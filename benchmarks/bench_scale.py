"""Benchmark: partitioned annotation (rules pipeline) in one process vs `--workers 2` vs a Dask LocalCluster(2).

Usage: python benchmarks/bench_scale.py [--sizes 1000,10000,100000] [--modes single,workers2,dask2]
                                        [--single-max 10000] [--partition-size 500] [--workdir DIR]
       python benchmarks/bench_scale.py --end-to-end [--sizes 10000,20000,40000] [--workers 2] [--repeat 2]
                                        [--machines 1,4,16]
--end-to-end (annotate + analyze, see bench_e2e.py) times every stage on each size in its own process: bare
tokenisation (the annotate baseline), `annotate` (rules, partitioned, --workers), `framing`, `reuse` (out of core)
beside `reuse-memory` (the in-memory reference, its baseline), and `timeline`; then prints peak RSS and time per
stage, ratios to the baselines and to the previous size, and the extrapolation to 1M articles.
Quick run: `--sizes 1000,5000` (~3 min). At the pipeline speed of Nov 2026 (~65 articles/s per worker) the default
run takes ~35 min on a 2-core machine (each parallel mode ~13 min at 100k); `--single-max 0` also times the single
process at 100k (~25 more minutes).

Corpus: `synth.py` synthetic articles (~600 words, story pseudo-words, so the vocabulary keeps growing, which is
what makes the spaCy StringStore grow). Every mode is `workbench.scale.annotate_partitioned` run in its own child
process (so its peak RSS is its own); `single` runs the partitions in that process. Seconds include pool / cluster
start-up. Worker RSS comes from the partition markers (each worker records its pid and RSS after every partition).
Prints one row per size and mode, the 1M-article extrapolation and the targets (1M <= 1 h, worker RSS <= 2 GiB
and flat from 10k to 100k, two workers >= 1.7x one).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import peak_rss_mib
from synth import write_jsonl

MODES = {"single": (1, None), "workers2": (2, None), "dask2": (2, "local")}


def child(mode: str, corpus: str, out: str, partition_size: int) -> None:
    """Run one mode in this process and print {seconds, driver_peak_rss_mib} as JSON."""
    from workbench.scale import annotate_partitioned

    workers, scheduler = MODES[mode]
    t0 = time.perf_counter()
    annotate_partitioned(corpus, out, pipeline="rules", workers=workers, scheduler=scheduler,
                         partition_size=partition_size, progress=False, corrections="none")
    print(json.dumps({"seconds": time.perf_counter() - t0, "driver_peak_rss_mib": peak_rss_mib()}))


def measure(mode: str, corpus: Path, out: Path, partition_size: int) -> dict:
    """Run `mode` in a child process over `corpus` -> its timing, throughput, RSS and table row counts."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", mode, str(corpus), str(out), str(partition_size)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    row = json.loads(res.stdout.strip().splitlines()[-1])
    markers = [json.loads(p.read_text()) for p in sorted((out / "_checkpoint").glob("part-*.json"))]
    workers = {m["pid"] for m in markers}
    row.update(
        mode=mode, n_articles=sum(m["tables"]["articles"] for m in markers),
        n_words=sum(m["n_words"] for m in markers),
        worker_peak_rss_mib=max(m["peak_rss_mib"] for m in markers),
        # RSS after the last partitions vs after the first ones: flat memory means these stay close.
        worker_rss_first_mib=max(m["rss_mib"] for m in markers[: len(workers)]),
        worker_rss_last_mib=max(m["rss_mib"] for m in markers[-len(workers):]),
        rows={t: sum(m["tables"][t] for m in markers) for t in markers[0]["tables"]},
    )
    row["articles_per_s"] = row["n_articles"] / row["seconds"]
    row["words_per_s"] = row["n_words"] / row["seconds"]
    shutil.rmtree(out, ignore_errors=True)
    return row


def report(rows: list[dict]) -> None:
    """Print the benchmark table, the 1M extrapolation and the targets."""
    print(f"{'size':>8} {'mode':<9}{'seconds':>9}{'art/s':>8}{'words/s':>10}{'speedup':>8}"
          f"{'driver MiB':>11}{'worker peak':>12}{'first->last MiB':>17}")
    single = {r["n_articles"]: r["articles_per_s"] for r in rows if r["mode"] == "single"}
    for r in rows:
        base = single.get(r["n_articles"])
        speed = f"{r['articles_per_s'] / base:.2f}x" if base else "-"
        print(f"{r['n_articles']:>8} {r['mode']:<9}{r['seconds']:>9.1f}{r['articles_per_s']:>8.0f}"
              f"{r['words_per_s']:>10,.0f}{speed:>8}{r['driver_peak_rss_mib']:>11.0f}{r['worker_peak_rss_mib']:>12.0f}"
              f"{r['worker_rss_first_mib']:>9.0f} ->{r['worker_rss_last_mib']:>5.0f}")
    by_size: dict[int, list[dict]] = {}
    for r in rows:
        by_size.setdefault(r["n_articles"], []).append(r)
    same = all(len({json.dumps(r["rows"], sort_keys=True) for r in rs}) == 1 for rs in by_size.values())
    print(f"table row counts identical across modes at every size: {'yes' if same else 'NO'}")
    largest = max(by_size)
    print(f"extrapolated time for 1,000,000 articles (from the {largest:,} run):")
    for r in by_size[largest]:
        print(f"  {r['mode']:<9} {1e6 / r['articles_per_s'] / 3600:.2f} h")
    best = max(by_size[largest], key=lambda r: r["articles_per_s"])
    print(f"target 1M <= 1 h: {'met' if 1e6 / best['articles_per_s'] <= 3600 else 'NOT met'} ({best['mode']})")
    peak = max(r["worker_peak_rss_mib"] for r in rows)
    print(f"target worker RSS <= 2 GiB: {'met' if peak <= 2048 else 'NOT met'} (peak {peak:.0f} MiB)")
    for mode in ("workers2", "dask2"):
        pair = [r for r in rows if r["mode"] == mode and r["n_articles"] in (10_000, 100_000)]
        if len(pair) == 2:
            a, b = sorted(pair, key=lambda r: r["n_articles"])
            print(f"RSS 10k -> 100k ({mode}): peak {a['worker_peak_rss_mib']:.0f} -> {b['worker_peak_rss_mib']:.0f} MiB")
        ratios = [r["articles_per_s"] / single[r["n_articles"]] for r in rows
                  if r["mode"] == mode and r["n_articles"] in single]
        if ratios:
            print(f"target {mode} >= 1.7x single: {'met' if max(ratios) >= 1.7 else 'NOT met'} "
                  f"(best {max(ratios):.2f}x at the largest size timed in both)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes (default 1000,10000,100000)")
    ap.add_argument("--modes", default="single,workers2,dask2", help="modes (default single,workers2,dask2)")
    ap.add_argument("--single-max", type=int, default=10_000,
                    help="largest size to time the single process at (0: every size; default 10000)")
    ap.add_argument("--partition-size", type=int, default=500, help="articles per partition (default 500)")
    ap.add_argument("--workdir", default="/tmp/wb-bench-scale", help="where corpora (kept) and outputs go")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--end-to-end", action="store_true", help="annotate + analyze per stage (bench_e2e.py)")
    ap.add_argument("--workers", type=int, default=2, help="--end-to-end: annotate workers (default 2)")
    ap.add_argument("--repeat", type=int, default=2, help="--end-to-end: runs per analysis stage (default 2)")
    ap.add_argument("--machines", default="1,4,16", help="--end-to-end: cluster sizes to extrapolate to")
    args = ap.parse_args()
    if args.end_to_end:
        from bench_e2e import run_all

        sizes = "10000,20000,40000" if args.sizes == "1000,10000,100000" else args.sizes
        run_all([int(x) for x in sizes.split(",")], Path(args.workdir), workers=args.workers,
                repeat=args.repeat, partition_size=args.partition_size,
                machines=[int(x) for x in args.machines.split(",")])
        return
    if args.child:
        mode, corpus, out, size = args.child
        child(mode, corpus, out, int(size))
        return
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        corpus = work / f"synth-{n}.jsonl"
        if not corpus.exists():
            write_jsonl(corpus, n, seed=0)
        for mode in args.modes.split(","):
            if mode == "single" and args.single_max and n > args.single_max:
                continue
            rows.append(measure(mode, corpus, work / f"out-{mode}-{n}", args.partition_size))
            print(f"  done: {n} {mode} {rows[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    report(rows)


if __name__ == "__main__":
    main()
