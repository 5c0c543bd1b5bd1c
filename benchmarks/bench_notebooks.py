"""Seconds per notebook, each in a fresh kernel, on a corpus of your choice (default: the seeds as committed).

    python benchmarks/bench_notebooks.py                                   # the seeds, notebooks' own parameters
    python benchmarks/bench_notebooks.py --corpus ../shared/data/fakes-dev/corpus.csv --pipeline rules

Tables are built once before timing (into --out, default a temporary folder), so each time is what a researcher
waits for when re-running a notebook over existing tables; the first notebook's build time is printed apart. The
baseline line is a notebook with one empty cell (kernel start and shutdown).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat

from workbench.notebook_support import ensure_tables
from workbench.notebooks import execute_notebook, numbered_notebooks, parse_params

TARGET_S = 30.0


def main() -> None:
    """Print one line per notebook: seconds and whether it is within the target."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="corpus to run the notebooks on (default: each notebook's own)")
    parser.add_argument("--pipeline", default=None, help="PIPELINE parameter (default: each notebook's own)")
    parser.add_argument("--out", default=None, help="tables folder (default: a temporary folder)")
    args = parser.parse_args()
    params: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="wb-bench-nb-") as tmp:
        if args.corpus:
            pairs = [f"CORPUS={args.corpus}", f"OUT={args.out or Path(tmp) / 'tables'}", "META=None"]
            params = parse_params(pairs + ([f"PIPELINE={args.pipeline}"] if args.pipeline else []))
            t0 = time.perf_counter()
            ensure_tables(params["CORPUS"], params["OUT"], pipeline=str(params.get("PIPELINE", "en_core_web_sm")))
            print(f"tables built once in {time.perf_counter() - t0:.1f} s (not counted below)")
        empty = Path(tmp) / "empty.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")]), empty)
        t0 = time.perf_counter()
        execute_notebook(empty)
        print(f"{'baseline (empty notebook)':28s} {time.perf_counter() - t0:6.1f} s")
        for path in numbered_notebooks():
            t0 = time.perf_counter()
            execute_notebook(path, params=params)
            took = time.perf_counter() - t0
            print(f"{path.name:28s} {took:6.1f} s  {'ok' if took <= TARGET_S else f'over {TARGET_S:.0f} s'}",
                  flush=True)


if __name__ == "__main__":
    main()
