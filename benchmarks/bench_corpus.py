"""Benchmark: read + block segmentation of a folder corpus vs a bare read of the same files, in one run.

Usage: python benchmarks/bench_corpus.py [--n 10000]
Prints articles/s and MB/s of each, the ratio (workbench / bare read) and peak RSS.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import peak_rss_mib, repeated_seed_folder, timed

from workbench.blocks import segment
from workbench.corpus import Article, iter_articles


def bare_read(folder: Path) -> tuple[int, int]:
    """Read and decode every .txt file -> (files, bytes)."""
    n = size = 0
    for p in sorted(folder.rglob("*.txt")):
        data = p.read_bytes()
        data.decode("utf-8")
        n += 1
        size += len(data)
    return n, size


def workbench_read(folder: Path) -> tuple[int, int]:
    """Stream articles and segment each into blocks -> (articles, blocks)."""
    n = nb = 0
    for item in iter_articles(folder):
        if isinstance(item, Article):
            n += 1
            nb += len(segment(item.text, item.id))
    return n, nb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles (default 10000)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = repeated_seed_folder(Path(tmp) / "corpus", args.n)
        mb = sum(p.stat().st_size for p in folder.rglob("*.txt")) / 1e6
        bare_read(folder)  # warm the page cache so both runs read from memory
        t_bare, (n1, _) = timed(lambda: bare_read(folder))
        t_wb, (n2, nblocks) = timed(lambda: workbench_read(folder))
    assert n1 == n2 == args.n, (n1, n2)
    print(f"corpus: {args.n} articles, {mb:.1f} MB, {nblocks} blocks")
    print(f"{'mode':<28}{'seconds':>10}{'articles/s':>14}{'MB/s':>10}")
    print(f"{'bare read+decode':<28}{t_bare:>10.2f}{args.n / t_bare:>14,.0f}{mb / t_bare:>10.1f}")
    print(f"{'workbench read+blocks':<28}{t_wb:>10.2f}{args.n / t_wb:>14,.0f}{mb / t_wb:>10.1f}")
    print(f"ratio workbench/bare (throughput): {t_bare / t_wb:.3f}")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
