"""Framing Workbench: compare how news outlets frame the same event.

Re-exports only, resolved lazily so `import workbench.config` does not pay for spaCy:
`Article`, `iter_articles` (corpus), `segment` (blocks), `build_pipeline`, `annotate_corpus` (annotation),
`read_table`, `write_table` (tables), `evaluate_dir` (scoring).
"""
from __future__ import annotations

import importlib

from .config import __version__

_EXPORTS = {
    "Article": "workbench.corpus",
    "iter_articles": "workbench.corpus",
    "segment": "workbench.blocks",
    "build_pipeline": "workbench.annotate.pipeline",
    "annotate_corpus": "workbench.annotate.write",
    "read_table": "workbench.tables",
    "write_table": "workbench.tables",
    "evaluate_dir": "workbench.evaluate",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
