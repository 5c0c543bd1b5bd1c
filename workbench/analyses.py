"""The analyses, in one place: name -> the tables it writes and the function that writes them.

The writers are imported when run, not here: the command line and the notebooks list the analyses without paying
for scipy or rapidfuzz, and this module sits below the analyses it names (no import circle).
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple


class Analysis(NamedTuple):
    """One analysis: the tables it writes and where its writer lives."""

    tables: tuple[str, ...]
    module: str
    writer: str


# In run order: framing reads reuse_pairs to finish the voice of wire copy, so reuse runs first.
ANALYSES: dict[str, Analysis] = {
    "reuse": Analysis(("reuse_pairs", "substitutions"), "workbench.reuse_stream", "write_reuse_tables_ooc"),
    "framing": Analysis(("framing", "distinctive_terms"), "workbench.framing", "write_framing_tables"),
    "timeline": Analysis(("timeline", "figure_claims"), "workbench.timeline", "write_timeline_tables"),
}


def in_order(names: Iterable[str]) -> list[str]:
    """Analysis names -> the same names in run order (the order of `ANALYSES`); unknown names raise KeyError."""
    wanted = set(names)
    unknown = wanted - set(ANALYSES)
    if unknown:
        raise KeyError(f"unknown analysis: {', '.join(sorted(unknown))}")
    return [n for n in ANALYSES if n in wanted]


def run_analysis(name: str, out: str | Path) -> list[Path]:
    """Run the writer of analysis `name` over the tables in `out` -> paths written (an ImportError propagates)."""
    spec = ANALYSES[name]
    return list(getattr(importlib.import_module(spec.module), spec.writer)(out))
