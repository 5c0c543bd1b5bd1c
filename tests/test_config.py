"""config: the annotation data fingerprint recorded with every table."""
from __future__ import annotations

import os

from workbench.config import ANNOTATION_DATA, data_version


def test_data_version_changes_with_any_data_file(tmp_path):
    files = []
    for src in ANNOTATION_DATA:
        dst = tmp_path / src.name
        dst.write_bytes(src.read_bytes())
        files.append(dst)
    files = tuple(files)
    before = data_version(files)
    assert before == data_version(files) and len(before) == 12
    # Same bytes as the project's own files: the same fingerprint wherever the project lives.
    assert before == data_version(ANNOTATION_DATA)
    target = files[1]
    target.write_text(target.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 1_000_000))
    assert data_version(files) != before


def test_tables_record_the_data_version(tmp_path):
    from workbench.tables import read_provenance, write_table

    write_table("blocks", [], tmp_path)
    assert read_provenance(tmp_path, "blocks")["data_version"] == data_version()
