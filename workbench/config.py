"""Project paths and version constants, in one place (cookiecutter-data-science style)."""
from __future__ import annotations

from functools import lru_cache
from importlib import metadata
from pathlib import Path

import yaml

PROJ_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJ_ROOT / "data"
SEEDS_DIR = PROJ_ROOT / "seeds"
PROCESSED_DIR = DATA_DIR / "processed"
INTERIM_DIR = DATA_DIR / "interim"
CORRECTIONS_DIR = DATA_DIR / "corrections"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
METADATA_CSV = DATA_DIR / "metadata.csv"
BLOCKS_YAML = DATA_DIR / "blocks.yaml"
CODEBOOK_YAML = DATA_DIR / "codebook.yaml"
GAZETTEER_CSV = DATA_DIR / "gazetteer.csv"
NUMBERS_YAML = DATA_DIR / "numbers.yaml"
TIMEX_YAML = DATA_DIR / "timex.yaml"

try:
    __version__ = metadata.version("framing-workbench")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"


def codebook_version() -> str:
    """Read the `version` field of data/codebook.yaml -> version string ("unknown" if absent)."""
    try:
        mtime = CODEBOOK_YAML.stat().st_mtime_ns
    except FileNotFoundError:
        return "unknown"
    # Every table write records the version: parsing the whole codebook each time cost seconds per partition.
    return _codebook_version(str(CODEBOOK_YAML), mtime)


@lru_cache(maxsize=8)
def _codebook_version(path: str, mtime_ns: int) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return str((yaml.safe_load(fh) or {}).get("version", "unknown"))
    except FileNotFoundError:
        return "unknown"
