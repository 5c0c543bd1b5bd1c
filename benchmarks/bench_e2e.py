"""Annotate + analyze end to end, stage by stage, at several corpus sizes (run by `bench_scale.py --end-to-end`).

Every stage runs in a fresh child process, so its peak RSS (ru_maxrss) is its own:
  bare          spacy.blank("en") tokenisation of the same texts, one process (the baseline of annotate)
  annotate      workbench.scale.annotate_partitioned, rules pipeline, `workers` processes, partitioned tables;
                worker peak RSS from the partition markers
  framing       workbench.framing.write_framing_tables
  reuse-memory  workbench.reuse.reuse_tables: the in-memory reference on the whole `sentences` table (the baseline
                of reuse; computed, not written)
  reuse         workbench.reuse_stream.write_reuse_tables_ooc: out of core (workbench/reuse_stream.py)
  timeline      workbench.timeline.write_timeline_tables
The machine is shared: the reuse stages run `repeat` times and keep the fastest CPU time and the largest peak RSS,
the others once; CPU seconds are the headline (wall seconds include the neighbours). Annotate's CPU is mostly in
its workers: its CPU time is its own plus theirs (RUSAGE_CHILDREN), compared with bare tokenisation's, and its time
with W workers is extrapolated as that CPU time / W, linear in articles (the ideal, which holds on an idle machine).
Each analysis child runs under an address-space cap (MEM_CAP_GIB, default 6): a stage that needs more fails with
MemoryError and is reported as over the cap instead of swamping a shared machine.
KEEP_TABLES=1 keeps each size's tables. `python bench_e2e.py --report WORKDIR [WORKDIR...]` prints the report
again from the results the runs appended to WORKDIR/results.jsonl (a run cut short, or sizes run separately).
"""
from __future__ import annotations

import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from synth import write_jsonl

TARGET = 1_000_000
MEM_CAP_GIB = float(os.environ.get("MEM_CAP_GIB", "6"))
ANALYSES = ("framing", "reuse-memory", "reuse", "timeline")
BASELINE = {"annotate": "bare", "reuse": "reuse-memory"}
REPEATED = ("reuse-memory", "reuse")  # the stages the targets are about; the rest run once (the machine is slow)
GIB = 1024.0


def stage(name: str, corpus: str, out: str, workers: int, partition_size: int) -> dict:
    """Run one stage in this process -> {seconds, cpu_seconds, peak_rss_mib[, worker_peak_rss_mib]}."""
    if name not in ("annotate", "bare"):
        cap = int(MEM_CAP_GIB * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    t0, c0 = time.perf_counter(), time.process_time()
    extra: dict = {}
    if name == "bare":
        import spacy

        nlp = spacy.blank("en")
        with open(corpus, encoding="utf-8") as fh:
            texts = (json.loads(line)["text"] for line in fh)
            n_words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
        extra["tokens"] = n_words
    elif name == "annotate":
        from workbench.scale import annotate_partitioned

        annotate_partitioned(corpus, out, pipeline="rules", workers=workers, partition_size=partition_size,
                             progress=False, corrections="none")
        markers = [json.loads(p.read_text()) for p in sorted((Path(out) / "_checkpoint").glob("part-*.json"))]
        extra["worker_peak_rss_mib"] = max(m["peak_rss_mib"] for m in markers)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's workers, joined by now
        extra["workers_cpu_seconds"] = kids.ru_utime + kids.ru_stime
    elif name == "framing":
        from workbench.framing import write_framing_tables

        write_framing_tables(out)
    elif name == "reuse-memory":
        from workbench.reuse import reuse_tables

        pairs, subs = reuse_tables(out)
        extra["pairs"], extra["substitutions"] = len(pairs), len(subs)
    elif name == "reuse":
        from workbench.reuse_stream import write_reuse_tables_ooc as write_reuse_tables
        from workbench.tables import read_table

        write_reuse_tables(out)
        extra["pairs"] = len(read_table(out, "reuse_pairs", columns=["similarity"]))
    elif name == "timeline":
        from workbench.timeline import write_timeline_tables

        write_timeline_tables(out)
    else:
        raise ValueError(name)
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}


def measure(name: str, corpus: Path, out: Path, *, workers: int, partition_size: int, repeat: int) -> dict:
    """Run a stage `repeat` times, each in a fresh process -> fastest CPU run, largest peak RSS, all CPU times."""
    runs = []
    for _ in range(max(repeat, 1)):
        cmd = [sys.executable, __file__, name, str(corpus), str(out), str(workers), str(partition_size)]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).parent)
        if res.returncode:
            last = (res.stderr.strip().splitlines() or ["?"])[-1]
            return {"failed": last[:120], "seconds": float("nan"), "cpu_seconds": float("nan"),
                    "peak_rss_mib": float("nan"), "cpu_runs": [], "wall_runs": []}
        runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
    best = dict(min(runs, key=lambda r: r["cpu_seconds"]))
    best["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs)
    best["cpu_runs"] = [round(r["cpu_seconds"], 1) for r in runs]
    best["wall_runs"] = [round(r["seconds"], 1) for r in runs]
    return best


def run_all(sizes: list[int], work: Path, *, workers: int = 2, repeat: int = 2, partition_size: int = 500,
            machines: list[int] = (1, 4, 16)) -> dict:
    """Measure every stage at every size, print the table and the extrapolation -> {(stage, size): result}."""
    work.mkdir(parents=True, exist_ok=True)
    res: dict[tuple[str, int], dict] = {}
    for n in sizes:
        corpus = work / f"synth-{n}.jsonl"
        if not corpus.exists():
            write_jsonl(corpus, n, seed=0)
        out = work / f"e2e-{n}"
        shutil.rmtree(out, ignore_errors=True)
        for name in ("bare", "annotate", *ANALYSES):
            reps = repeat if name in REPEATED else 1
            failed = [m for m in sizes if m < n and "failed" in res.get((name, m), {})]
            if failed:  # over the cap at a smaller size: it will be at this one too
                res[name, n] = {"failed": f"skipped (failed at {failed[0]:,})", "seconds": float("nan"),
                                "cpu_seconds": float("nan"), "peak_rss_mib": float("nan"), "cpu_runs": [],
                                "wall_runs": []}
                continue
            res[name, n] = measure(name, corpus, out, workers=workers, partition_size=partition_size, repeat=reps)
            r = res[name, n]
            with open(work / "results.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"stage": name, "size": n, **r}) + "\n")
            print(f"  done: {n} {name} wall {r['wall_runs']} s, CPU {r['cpu_runs']} s, peak RSS "
                  f"{r['peak_rss_mib']:.0f} MiB", file=sys.stderr, flush=True)
        if not os.environ.get("KEEP_TABLES"):
            shutil.rmtree(out, ignore_errors=True)
    report(res, sizes, workers=workers, machines=machines)
    return res


def _secs(r: dict, name: str) -> float:
    # CPU seconds (the machine is shared); annotate's are mostly in its workers (wall time when not recorded).
    if name == "annotate":
        return r["cpu_seconds"] + r["workers_cpu_seconds"] if "workers_cpu_seconds" in r else r["seconds"]
    return r["cpu_seconds"]


def _rss(r: dict) -> float:
    return max(r["peak_rss_mib"], r.get("worker_peak_rss_mib", 0.0))


def report(res: dict, sizes: list[int], *, workers: int, machines: list[int]) -> None:
    """Print per stage and size: seconds, peak RSS, ratio to baseline, growth from the previous size; then 1M."""
    print(f"{'size':>7} {'stage':<13}{'wall s':>8}{'CPU s':>8}{'peak MiB':>10}{'worker MiB':>11}"
          f"{'vs baseline (time, RSS)':>26}{'vs previous size (time, RSS)':>31}")
    for i, n in enumerate(sizes):
        for name in ("bare", "annotate", *ANALYSES):
            r = res.get((name, n))
            if r is None:
                continue
            if "failed" in r:
                print(f"{n:>7} {name:<13} failed: {r['failed']}")
                continue
            base = BASELINE.get(name)
            vs = "-"
            if base:
                b = res[base, n]
                # annotate (workers) against bare tokenisation (one process): wall against wall
                t = _secs(r, name) / b["cpu_seconds"]
                vs = f"{t:.2f}x, {r['peak_rss_mib'] / b['peak_rss_mib']:.2f}x"
            grow = "-"
            if i:
                p = res[name, sizes[i - 1]]
                grow = f"{_secs(r, name) / _secs(p, name):.2f}x, {_rss(r) / _rss(p):.2f}x"
            worker = f"{r['worker_peak_rss_mib']:.0f}" if "worker_peak_rss_mib" in r else "-"
            print(f"{n:>7} {name:<13}{r['seconds']:>8.1f}{r['cpu_seconds']:>8.1f}{r['peak_rss_mib']:>10.0f}"
                  f"{worker:>11}{vs:>26}{grow:>31}")
    if len(sizes) < 2:
        return
    n1, n2 = sizes[-2], sizes[-1]
    print(f"\nextrapolation to {TARGET:,} articles from the {n1:,} and {n2:,} runs (time: growth exponent, never "
          f"below 1; memory: linear in the last increment):")
    total_t, peak = 0.0, 0.0
    est = {}
    for name in ("annotate", "framing", "reuse", "timeline"):
        a, b = res[name, n1], res[name, n2]
        ta, tb = _secs(a, name), _secs(b, name)
        e = max(1.0, math.log(max(tb, 1e-9) / max(ta, 1e-9)) / math.log(n2 / n1))
        if name == "annotate":  # partitions of constant size: linear by construction; CPU shared by the workers
            e = 1.0
            tb = tb / workers if "workers_cpu_seconds" in b else tb
        t = tb * (TARGET / n2) ** e
        slope = max(0.0, (_rss(b) - _rss(a)) / (n2 - n1))
        m = _rss(b) + slope * (TARGET - n2)
        est[name] = (t, m)
        total_t += t
        peak = max(peak, m)
        print(f"  {name:<9} {t / 3600:7.2f} h (exponent {e:.2f})   peak RSS {m / GIB:5.2f} GiB "
              f"({slope * 1000:.1f} MiB per 1,000 articles)")
    print(f"  this machine, annotate with {workers} workers then the analyses in one process: {total_t / 3600:.2f} h, "
          f"largest process {peak / GIB:.2f} GiB")
    analyses = sum(est[k][0] for k in ("framing", "reuse", "timeline"))
    for n_mach in machines:
        t = est["annotate"][0] / n_mach + analyses
        print(f"  Dask cluster of {n_mach:>2} such machines ({workers} workers each): {t / 3600:.2f} h (annotate / "
              f"{n_mach}; the analyses as implemented run in one process: {analyses / 3600:.2f} h)")
    print(f"target 1M annotate + analyze within 2 GiB per worker: {'met' if peak <= 2 * GIB else 'NOT met'} "
          f"(largest extrapolated process {peak / GIB:.2f} GiB)")
    for name in ("reuse",):
        if 10_000 in sizes and 20_000 in sizes:
            a, b = res[name, 10_000], res[name, 20_000]
            print(f"target `workbench reuse` 10k -> 20k: peak RSS {b['peak_rss_mib'] / a['peak_rss_mib']:.2f}x "
                  f"(<= 1.3x), CPU time {b['cpu_seconds'] / a['cpu_seconds']:.2f}x (<= 2.3x)")


def report_from(works: list[Path], *, workers: int = 2, machines: list[int] = (1, 4, 16)) -> None:
    """Print the report from the results runs appended to WORK/results.jsonl (later lines replace earlier ones)."""
    res = {}
    for work in works:
        for line in open(work / "results.jsonl", encoding="utf-8"):
            r = json.loads(line)
            key = (r.pop("stage"), r.pop("size"))
            if "failed" not in r or key not in res:
                res[key] = r
    sizes = sorted({n for _, n in res if ("timeline", n) in res})
    report(res, sizes, workers=workers, machines=machines)


if __name__ == "__main__":
    if sys.argv[1] == "--report":
        report_from([Path(p) for p in sys.argv[2:]])
        sys.exit(0)
    name, corpus, out, workers, psize = sys.argv[1:6]
    print(json.dumps(stage(name, corpus, out, int(workers), int(psize))))
