"""notebook_support: when tables are rebuilt, deterministic escaped HTML tables, provenance, texts behind tables."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from workbench import notebook_support as ns
from workbench.fingerprint import inputs_fingerprint
from workbench.tables import write_manifest, write_table

TEXT = "A headline\n\nGovernment forces shelled the town on Monday, <b>officials</b> said.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a1.txt").write_text(TEXT, encoding="utf-8")
    return folder


def _fake_tables(out: Path, corpus: Path, *, pipeline: str = "rules", meta: Path | None = None) -> None:
    """A folder that looks annotated (manifest with the inputs' current content hash), without running a pipeline."""
    out.mkdir(parents=True, exist_ok=True)
    write_manifest(out, {"corpus": str(corpus), "meta": str(meta) if meta else None, "pipeline": pipeline,
                         "pipeline_version": "rules-test", "codebook_version": "cb-1", "workbench_version": "9.9",
                         "inputs_sha256": inputs_fingerprint(corpus, meta)})


def test_stale_reason_when_no_tables(tmp_path, corpus):
    assert ns.stale_reason(corpus, tmp_path / "out", pipeline="rules") == "no tables yet"


def test_current_tables_are_reused(tmp_path, corpus):
    _fake_tables(tmp_path / "out", corpus)
    assert ns.stale_reason(corpus, tmp_path / "out", pipeline="rules") is None


def test_other_pipeline_makes_tables_stale(tmp_path, corpus):
    _fake_tables(tmp_path / "out", corpus, pipeline="rules")
    assert "pipeline" in ns.stale_reason(corpus, tmp_path / "out", pipeline="en_core_web_sm")


def test_other_corpus_makes_tables_stale(tmp_path, corpus):
    other = tmp_path / "other"
    other.mkdir()
    _fake_tables(tmp_path / "out", other)
    assert "corpus" in ns.stale_reason(corpus, tmp_path / "out", pipeline="rules")


def test_other_metadata_makes_tables_stale(tmp_path, corpus):
    meta = tmp_path / "meta.csv"
    meta.write_text("article_id,outlet\na1,X\n", encoding="utf-8")
    _fake_tables(tmp_path / "out", corpus)
    assert "metadata" in ns.stale_reason(corpus, tmp_path / "out", meta=meta, pipeline="rules")


def test_edited_corpus_file_makes_tables_stale(tmp_path, corpus):
    _fake_tables(tmp_path / "out", corpus)
    (corpus / "a1.txt").write_text(TEXT.replace("Monday", "Sunday"), encoding="utf-8")
    assert "changed" in ns.stale_reason(corpus, tmp_path / "out", pipeline="rules")


def test_a_file_edited_with_its_mtime_kept_makes_tables_stale(tmp_path, corpus):
    before = (corpus / "a1.txt").stat()
    _fake_tables(tmp_path / "out", corpus)
    (corpus / "a1.txt").write_text(TEXT.replace("Monday", "Friday"), encoding="utf-8")  # same length
    os.utime(corpus / "a1.txt", ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or an archive restore
    assert (corpus / "a1.txt").stat().st_mtime_ns == before.st_mtime_ns
    assert "changed" in ns.stale_reason(corpus, tmp_path / "out", pipeline="rules")


def test_touching_a_corpus_file_without_editing_it_keeps_tables(tmp_path, corpus):
    _fake_tables(tmp_path / "out", corpus)
    later = time.time() + 7200
    os.utime(corpus / "a1.txt", (later, later))
    assert ns.stale_reason(corpus, tmp_path / "out", pipeline="rules") is None


def test_ensure_tables_re_annotates_a_file_edited_with_its_mtime_kept(tmp_path, corpus):
    out = tmp_path / "out"
    ns.ensure_tables(corpus, out, pipeline="rules", analyses=())
    before = (corpus / "a1.txt").stat()
    (corpus / "a1.txt").write_text(TEXT.replace("A headline", "B headline"), encoding="utf-8")
    os.utime(corpus / "a1.txt", ns=(before.st_atime_ns, before.st_mtime_ns))
    ns.ensure_tables(corpus, out, pipeline="rules", analyses=())
    assert list(pd.read_parquet(out / "sentences.parquet")["text"])[0] == "B headline"


def test_ensure_tables_never_touches_a_folder_named_like_a_table_it_did_not_write(tmp_path, corpus):
    from workbench.annotate.write import OutputRefused

    out = tmp_path / "out"
    ns.ensure_tables(corpus, out, pipeline="rules", analyses=())
    (out / "timeline").mkdir()
    (out / "timeline" / "notes.md").write_text("mine", encoding="utf-8")
    (corpus / "a1.txt").write_text(TEXT + "More.\n", encoding="utf-8")  # stale: would re-annotate
    with pytest.raises(OutputRefused, match="timeline"):
        ns.ensure_tables(corpus, out, pipeline="rules", analyses=("timeline",))
    assert (out / "timeline" / "notes.md").read_text(encoding="utf-8") == "mine"


def test_relative_corpus_in_manifest_matches_from_project_root(tmp_path):
    from workbench.config import PROJ_ROOT, SEEDS_DIR

    out = tmp_path / "out"
    _fake_tables(out, Path("seeds"))  # what `workbench annotate seeds ...` run at the root records
    assert ns._same_path(json.loads((out / "manifest.json").read_text())["corpus"], SEEDS_DIR.resolve())
    assert PROJ_ROOT.joinpath("seeds") == SEEDS_DIR


def test_ensure_tables_annotates_then_reuses(tmp_path, corpus):
    out = tmp_path / "out"
    assert ns.ensure_tables(corpus, out, pipeline="rules", analyses=()) == out
    first = (out / "manifest.json").stat().st_mtime_ns
    ns.ensure_tables(corpus, out, pipeline="rules", analyses=())
    assert (out / "manifest.json").stat().st_mtime_ns == first
    assert len(pd.read_parquet(out / "articles.parquet")) == 1


def test_ensure_tables_refuses_a_foreign_folder(tmp_path, corpus):
    from workbench.annotate.write import OutputRefused

    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("not ours")
    with pytest.raises(OutputRefused):
        ns.ensure_tables(corpus, out, pipeline="rules", analyses=())


def test_a_missing_dependency_of_an_analysis_is_an_error(tmp_path, monkeypatch):
    from workbench.analyses import ANALYSES, Analysis

    monkeypatch.setitem(ANALYSES, "nothing", Analysis(("nothing",), "workbench.no_such_module", "write"))
    with pytest.raises(ImportError):
        ns.run_analyses(tmp_path, ["nothing"])


def test_provenance_line_names_pipeline_and_versions(tmp_path, corpus):
    out = tmp_path / "out"
    _fake_tables(out, corpus)
    write_table("articles", [{"article_id": "a1", "source_path": "x", "n_chars": 1, "n_words": 1, "sha256": "0"}],
                out)
    line = ns.provenance_line(out)
    assert line == "tables: 1 articles annotated by pipeline rules (rules-test), workbench 9.9, codebook cb-1"


def _sanitised(html: str) -> str:
    """What nbval compares: the HTML with notebooks/nbval-sanitize.cfg's itables id rule applied."""
    return re.sub(r"(itables|T)_[0-9a-f]{5,}(?:[-_][0-9a-f]+)*", r"\1_ID", html)


def _data(html: str) -> list:
    return json.loads(json.loads('"' + re.search(r'"data_json": "(.*?)",\n', html).group(1) + '"'))


def test_show_escapes_cells():
    html = ns.show(pd.DataFrame({"text": ["<script>alert(1)</script>"]}))._repr_html_()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_show_is_deterministic_up_to_the_masked_ids():
    df = pd.DataFrame({"a": [1.23456, 2.0], "b": ["x", None]})
    first, second = ns.show(df)._repr_html_(), ns.show(df.copy())._repr_html_()
    assert _sanitised(first) == _sanitised(second)
    assert "1.235" in first and "1.23456" not in first


def test_show_carries_every_row_paged_and_says_how_many():
    table = ns.show(pd.DataFrame({"n": range(1000)}), max_rows=10)
    assert "1000 rows, first 10 shown" in repr(table)  # the plain-text fallback is cut, and says so
    html = table._repr_html_()
    assert len(_data(html)) == 1000 and "(1000 rows)" in html  # the interactive table holds all of them
    assert '"pageLength": 10' in html and '"csvHtml5"' in html


def test_export_writes_tables_and_figures(tmp_path):
    from matplotlib.figure import Figure

    df = pd.DataFrame({"a": [1, 2]})
    assert pd.read_csv(ns.export(ns.show(df), tmp_path / "t.csv")).equals(df)
    fig = Figure()
    fig.add_subplot().plot([0, 1])
    assert ns.export(fig, tmp_path / "f.svg").read_text().lstrip().startswith("<?xml")
    assert ns.export(fig, tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(TypeError):
        ns.export(object(), tmp_path / "x.csv")


def test_analyses_are_rerun_only_when_something_they_read_changed(tmp_path, corpus):
    out = tmp_path / "out"
    ns.ensure_tables(corpus, out, pipeline="rules", analyses=("timeline",))
    assert ns.analyses_current(out, ("timeline",))
    assert not ns.analyses_current(out, ("framing",))  # never written
    (out / "manifest.json").touch()  # as a new annotation run would
    assert not ns.analyses_current(out, ("timeline",))


def test_show_of_an_empty_frame_lists_its_columns():
    assert "no rows; columns: a, b" in repr(ns.show(pd.DataFrame(columns=["a", "b"])))


def test_count_table_counts_and_totals():
    df = pd.DataFrame({"outlet": ["A", "A", "B"], "kind": ["body", "caption", "body"]})
    wide = ns.count_table(df, "outlet", "kind")
    assert wide.to_dict("records") == [{"outlet": "A", "body": 1, "caption": 1, "total": 2},
                                       {"outlet": "B", "body": 1, "caption": 0, "total": 1}]


def test_count_table_of_no_rows_is_empty():
    assert ns.count_table(pd.DataFrame(columns=["outlet", "kind"]), "outlet", "kind").empty


def test_with_outlet_never_pools_unknown_outlets():
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", None, "unknown"]})
    rows = ns.with_outlet(pd.DataFrame({"article_id": ["a", "b", "c"], "start": [0, 5, 9]}), articles)
    assert list(rows.columns) == ["article_id", "outlet", "start"]
    assert rows["outlet"].tolist() == ["X", "unknown:b", "unknown:c"]


def test_show_cuts_long_text_in_the_plain_view_only():
    table = ns.show(pd.DataFrame({"text": ["word " * 40]}))
    assert "..." in repr(table)
    assert ("word " * 40).strip() in table._repr_html_()


def test_article_texts_only_returns_texts_matching_the_tables(tmp_path, corpus):
    out = tmp_path / "out"
    ns.ensure_tables(corpus, out, pipeline="rules", analyses=())
    assert ns.article_texts(corpus, out) == {"a1": TEXT}
    (corpus / "a1.txt").write_text(TEXT + "edited", encoding="utf-8")
    assert ns.article_texts(corpus, out) == {}


def test_dateline_summary_counts_disagreements_per_outlet():
    import datetime as dt

    import pandas as pd

    from workbench.notebook_support import dateline_summary

    arts = pd.DataFrame({
        "article_id": ["a", "b", "c", "d"], "outlet": ["x", "x", "y", None],
        "published": [dt.date(2017, 4, 19)] * 4,
        "dateline": [dt.date(2017, 4, 19), dt.date(2017, 4, 25), None, dt.date(2017, 4, 20)],
        "dateline_gap_days": [0, 6, None, 1],
    })
    summary, bad = dateline_summary(arts)
    assert summary.set_index("outlet").loc["x"].tolist() == [2, 2, 1]
    assert summary.set_index("outlet").loc["y"].tolist() == [1, 0, 0]
    assert bad["article_id"].tolist() == ["b"]  # a one-day gap is within tolerance


def test_resolve_meta_uses_the_seeds_metadata_only_for_the_seeds(tmp_path):
    from workbench.config import METADATA_CSV, SEEDS_DIR

    assert ns.resolve_meta(SEEDS_DIR, None) == METADATA_CSV
    assert ns.resolve_meta(tmp_path, None) is None
    assert ns.resolve_meta(tmp_path, tmp_path / "m.csv") == (tmp_path / "m.csv").resolve()
