"""Helpers shared by the benchmark scripts: timing, peak RSS, repeated-seed corpora."""
from __future__ import annotations

import resource
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from workbench.config import SEEDS_DIR


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Run `fn` once -> (seconds, result)."""
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def repeated_seed_folder(folder: Path, n: int) -> Path:
    """Write `n` .txt files by cycling the seeds (unique names, 100 per subfolder) -> folder."""
    if folder.exists():
        shutil.rmtree(folder)
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    datas = [p.read_bytes() for p in seeds]
    for i in range(n):
        sub = folder / f"{i // 100:05d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"a{i:07d}_{seeds[i % len(seeds)].stem}.txt").write_bytes(datas[i % len(datas)])
    return folder
