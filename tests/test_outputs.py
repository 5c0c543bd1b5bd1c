"""Outputs: written atomically as a set, a killed run leaves the previous tables whole, re-runs are byte-identical,
and a folder holding something else is refused unless forced."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbench.annotate.write import OutputRefused, annotate_corpus
from workbench.tables import ALL_TABLES, read_table, write_tables

ARTICLE = "Storm hits coastal town\n\nThe storm hit the town on Monday, killing 3 people, officials said.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "b.txt").write_text(ARTICLE.replace("Monday", "Tuesday"), encoding="utf-8")
    return d


def annotate(corpus: Path, out: Path, **kw) -> None:
    annotate_corpus(corpus, out, progress=False, corrections="none", **kw)


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix == ".parquet"}


def test_every_table_is_written_with_provenance(corpus, tmp_path):
    out = tmp_path / "out"
    annotate(corpus, out)
    assert sorted(snapshot(out)) == sorted(f"{t}.parquet" for t in ALL_TABLES)
    meta = pq.read_schema(out / "blocks.parquet").metadata
    assert b"workbench.pipeline_version" in meta and b"workbench.workbench_version" in meta


def test_rerun_is_byte_identical(corpus, tmp_path):
    out = tmp_path / "out"
    annotate(corpus, out)
    first = snapshot(out)
    annotate(corpus, out)
    assert snapshot(out) == first


def test_failure_while_writing_leaves_previous_tables_and_no_temp_files(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    annotate(corpus, out)
    before = snapshot(out)
    (corpus / "c.txt").write_text(ARTICLE, encoding="utf-8")
    import workbench.tables as tables

    real = tables.pq.write_table
    calls = {"n": 0}

    def dies_on_third(tbl, where, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C half-way through the set
        real(tbl, where, **kw)

    monkeypatch.setattr(tables.pq, "write_table", dies_on_third)
    with pytest.raises(KeyboardInterrupt):
        annotate(corpus, out)
    assert snapshot(out) == before  # not one table of the new run replaced an old one
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_sigkill_while_writing_leaves_previous_tables_readable(corpus, tmp_path):
    out = tmp_path / "out"
    annotate(corpus, out)
    before = snapshot(out)
    (corpus / "c.txt").write_text(ARTICLE, encoding="utf-8")
    script = textwrap.dedent(f"""
        import os, signal
        import workbench.tables as tables
        from workbench.annotate.write import annotate_corpus
        real = tables.pq.write_table
        n = [0]
        def killed(tbl, where, **kw):
            n[0] += 1
            real(tbl, where, **kw)
            if n[0] == 4:
                with open(where, "r+b") as fh:
                    fh.truncate(10)  # a half-written file, then the process dies without cleaning up
                os.kill(os.getpid(), signal.SIGKILL)
        tables.pq.write_table = killed
        annotate_corpus({str(corpus)!r}, {str(out)!r}, progress=False, corrections="none")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before
    assert len(read_table(out, "articles")) == 2
    assert list((out / ".workbench").glob("stage-*/.*.tmp"))  # the killed process could not clean up...
    annotate(corpus, out)  # ...the next run does, and writes the new set
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name.startswith("stage-")]
    assert len(read_table(out, "articles")) == 3


def test_refuses_a_folder_holding_other_files(corpus, tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.docx").write_bytes(b"precious")
    with pytest.raises(OutputRefused, match="chapter1.docx"):
        annotate(corpus, out)
    assert sorted(p.name for p in out.iterdir()) == ["chapter1.docx"]


def test_force_writes_into_a_folder_holding_other_files(corpus, tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    annotate(corpus, out, force=True)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert len(read_table(out, "articles")) == 2


def test_rewriting_our_own_folder_needs_no_force(corpus, tmp_path):
    out = tmp_path / "out"
    annotate(corpus, out)
    annotate(corpus, out)  # only workbench files inside: allowed
    assert len(read_table(out, "blocks")) == 4


def test_refuses_an_output_path_that_is_a_file(corpus, tmp_path):
    out = tmp_path / "file"
    out.write_text("x", encoding="utf-8")
    with pytest.raises(OutputRefused):
        annotate(corpus, out)


def test_write_tables_replaces_all_or_nothing(tmp_path):
    write_tables({"errors": [{"source_path": "a", "reason": "r"}]}, tmp_path)
    with pytest.raises(pa.ArrowInvalid):
        write_tables({"errors": [{"source_path": "b", "reason": "r"}], "articles": [{"n_chars": object()}]}, tmp_path)
    assert list(read_table(tmp_path, "errors")["source_path"]) == ["a"]
    assert not (tmp_path / "articles.parquet").exists()
    assert os.listdir(tmp_path) == ["errors.parquet"]
