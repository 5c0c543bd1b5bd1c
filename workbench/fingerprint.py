"""A content hash of everything an annotation run reads: corpus files, metadata, annotation code and vocabularies.

Recorded in manifest.json as `inputs_sha256`; `notebook_support.ensure_tables` re-annotates when it differs, so a
file edited with its modification time kept (copied with `cp -p`, restored from an archive) is still noticed.
"""
from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .config import DATA_DIR, VOCAB_DIR

PACKAGE_DIR = Path(__file__).resolve().parent
# Code whose change can change the annotation tables (the analyses are re-run every time anyway).
CODE_GLOBS = ("annotate/**/*.py", "blocks.py", "linemodel.py", "extract.py", "corpus.py", "tables.py", "corrections.py")
# The vocabularies come from the installed package (a wheel has no data/ folder); corrections from the checkout.
VOCAB_GLOBS = ("*.yaml", "*.csv", "*.json", "*.txt")
CORRECTION_GLOBS = ("corrections/**/*",)
_CHUNK = 1 << 20


def _update_file(h: hashlib._Hash, path: Path) -> None:
    """Hash a regular file's bytes; anything else (FIFO, device, unreadable) by what it is, never read."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            h.update(f"<not a regular file {stat.S_IFMT(st.st_mode)}>".encode())
            return
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
    except OSError as exc:
        h.update(f"<unreadable {exc.errno}>".encode())


def _files(root: Path, patterns: Iterable[str]) -> list[Path]:
    return sorted({p for pattern in patterns for p in root.glob(pattern) if not p.is_dir()})


def files_sha256(files: Iterable[Path], *, root: Path | None = None) -> str:
    """SHA-256 over the names (relative to `root`) and contents of `files` -> hex digest."""
    h = hashlib.sha256()
    for path in files:
        name = path.relative_to(root) if root is not None else path.name
        h.update(f"\0{name}\0".encode("utf-8", "surrogateescape"))
        _update_file(h, path)
    return h.hexdigest()


def corpus_files(corpus: Path) -> list[Path]:
    """The files a corpus reading may open: the file itself, or every `.txt` (any case) under a folder."""
    if not corpus.is_dir():
        return [corpus]
    return sorted(p for p in corpus.rglob("*") if p.suffix.lower() == ".txt" and not p.is_dir())


def inputs_fingerprint(corpus: str | Path, meta: str | Path | None = None) -> str:
    """SHA-256 over the corpus files, the metadata file, the annotation code and the vocabulary files -> hex."""
    corpus = Path(corpus)
    parts = [
        files_sha256(corpus_files(corpus), root=corpus if corpus.is_dir() else corpus.parent),
        files_sha256([Path(meta)], root=Path(meta).parent) if meta is not None else "no metadata",
        files_sha256(_files(PACKAGE_DIR, CODE_GLOBS), root=PACKAGE_DIR),
        files_sha256(_files(VOCAB_DIR, VOCAB_GLOBS), root=VOCAB_DIR),
        files_sha256(_files(DATA_DIR, CORRECTION_GLOBS), root=DATA_DIR),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
