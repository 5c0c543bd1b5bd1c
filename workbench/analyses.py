"""The analyses, in one place: name -> the tables it writes and the function that writes them.

The writers are imported when run, not here: the command line and the notebooks list the analyses without paying
for scipy or rapidfuzz, and this module sits below the analyses it names (no import circle).
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import NamedTuple


class Analysis(NamedTuple):
    """One analysis: the tables it writes and where its writer lives."""

    tables: tuple[str, ...]
    module: str
    writer: str


ANALYSES: dict[str, Analysis] = {
    "framing": Analysis(("framing", "distinctive_terms"), "workbench.framing", "write_framing_tables"),
    "reuse": Analysis(("reuse_pairs", "substitutions"), "workbench.reuse_stream", "write_reuse_tables_ooc"),
    "timeline": Analysis(("timeline", "figure_claims"), "workbench.timeline", "write_timeline_tables"),
}


def run_analysis(name: str, out: str | Path) -> list[Path]:
    """Run the writer of analysis `name` over the tables in `out` -> paths written (an ImportError propagates)."""
    spec = ANALYSES[name]
    return list(getattr(importlib.import_module(spec.module), spec.writer)(out))
