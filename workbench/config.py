"""Project paths and version constants, in one place (cookiecutter-data-science style)."""
from __future__ import annotations

from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import yaml

PROJ_ROOT = Path(__file__).resolve().parents[1]


def _vocab_dir() -> Path:
    """The vocabularies the annotation reads: package data `workbench.vocab` (the checkout's data/ folder)."""
    try:
        return Path(str(resources.files("workbench.vocab")))
    except ModuleNotFoundError:  # an editable install made before workbench.vocab was mapped to data/
        return PROJ_ROOT / "data"


# Shipped in the wheel: the vocabularies (yaml, csv) only.
VOCAB_DIR = _vocab_dir()
# Only in a checkout: hand annotations, corrections, judgements, metadata and outputs.
DATA_DIR = PROJ_ROOT / "data"
SEEDS_DIR = PROJ_ROOT / "seeds"
PROCESSED_DIR = DATA_DIR / "processed"
INTERIM_DIR = DATA_DIR / "interim"
CORRECTIONS_DIR = DATA_DIR / "corrections"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
METADATA_CSV = DATA_DIR / "metadata.csv"
BLOCKS_YAML = VOCAB_DIR / "blocks.yaml"
CODEBOOK_YAML = VOCAB_DIR / "codebook.yaml"
GAZETTEER_CSV = VOCAB_DIR / "gazetteer.csv"
NUMBERS_YAML = VOCAB_DIR / "numbers.yaml"
TIMEX_YAML = VOCAB_DIR / "timex.yaml"
# Every file the annotation components read: their content fingerprint is recorded with each table.
ANNOTATION_DATA = tuple(VOCAB_DIR / n for n in ("blocks.yaml", "blocks_model.json", "blocks_stopwords.txt",
                                                 "codebook.yaml", "figures.yaml", "gazetteer.csv", "numbers.yaml",
                                                 "quotes.yaml", "sentences.yaml", "timex.yaml", "voice.yaml"))

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


def data_version(paths: tuple[Path, ...] = ANNOTATION_DATA) -> str:
    """Fingerprint of the annotation data files -> 12 hex digits of a SHA-256 over their names and bytes.

    The codebook's `version` field is edited by hand; this changes with every edit of any vocabulary, so two
    tables with the same data_version were made with the same cues.
    """
    stamp = tuple((str(p), p.stat().st_mtime_ns if p.exists() else -1) for p in paths)
    return _data_version(stamp)


@lru_cache(maxsize=8)
def _data_version(stamp: tuple[tuple[str, int], ...]) -> str:
    import hashlib

    h = hashlib.sha256()
    for path, _ in stamp:
        p = Path(path)
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes() if p.exists() else b"<missing>")
        h.update(b"\0")
    return h.hexdigest()[:12]
