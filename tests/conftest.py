"""Shared fixtures: the seeds annotated once per test session with each pipeline."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.config import DATA_DIR, SEEDS_DIR

GOLD_DIR = DATA_DIR / "gold-dev"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD_DIR


def _annotate(tmp_path_factory, pipeline: str) -> Path:
    from workbench.annotate.write import annotate_corpus

    out = tmp_path_factory.mktemp(f"seeds-{pipeline}")
    annotate_corpus(SEEDS_DIR, out, pipeline=pipeline, meta=DATA_DIR / "metadata.csv", force=True, progress=False,
                    corrections="none")
    return out


@pytest.fixture(scope="session")
def seeds_rules(tmp_path_factory) -> Path:
    """Folder of tables from the rules pipeline on the seeds."""
    return _annotate(tmp_path_factory, "rules")


@pytest.fixture(scope="session")
def seeds_model(tmp_path_factory) -> Path:
    """Folder of tables from en_core_web_sm on the seeds."""
    return _annotate(tmp_path_factory, "en_core_web_sm")
