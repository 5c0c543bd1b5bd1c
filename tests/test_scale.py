"""Partitioned annotation (workbench.scale): same tables as one process, resumable, flat-memory helpers."""
from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench import scale
from workbench.annotate.write import annotate_corpus
from workbench.config import DATA_DIR, PROJ_ROOT, SEEDS_DIR
from workbench.corpus import Article, ReadError
from workbench.tables import ALL_TABLES, read_table, table_parts

META = DATA_DIR / "metadata.csv"
N_SYNTH = 16
PART = 6  # 21 articles -> 4 partitions, the last one short


def _synth():
    spec = importlib.util.spec_from_file_location("synth", PROJ_ROOT / "benchmarks" / "synth.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The five seeds plus a few synthetic articles, as a folder of .txt files."""
    folder = tmp_path_factory.mktemp("scale-corpus")
    for p in SEEDS_DIR.glob("*.txt"):
        shutil.copyfile(p, folder / p.name)
    for rec in _synth().make_corpus(N_SYNTH, seed=3):
        (folder / f"{rec['id']}.txt").write_text(rec["text"], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> Path:
    """Tables of the plain single-process run over `corpus`."""
    out = tmp_path_factory.mktemp("scale-single")
    annotate_corpus(corpus, out, meta=META, force=True, progress=False, corrections="none")
    return out


def assert_same_tables(a: Path, b: Path) -> None:
    for table in ALL_TABLES:
        pd.testing.assert_frame_equal(read_table(a, table), read_table(b, table), obj=table)


def run(corpus: Path, out: Path, **kw) -> scale.Summary:
    kw = {"meta": META, "partition_size": PART, "progress": False, "corrections": "none", **kw}
    return scale.annotate_partitioned(corpus, out, **kw)


def test_serial_partitions_match_single_process(corpus, reference, tmp_path):
    run(corpus, tmp_path / "out")
    assert_same_tables(reference, tmp_path / "out")


def test_tables_are_written_as_parts(corpus, tmp_path):
    run(corpus, tmp_path / "out")
    parts = table_parts(tmp_path / "out", "articles")
    assert [p.name for p in parts] == [f"part-{i:05d}.parquet" for i in range(4)]
    assert len(pd.read_parquet(tmp_path / "out" / "articles")) == 5 + N_SYNTH


@pytest.mark.slow
def test_cli_two_workers_match_single_process(corpus, reference, tmp_path):
    from workbench.cli import main

    code = main(["annotate", str(corpus), "--out", str(tmp_path / "out"), "--meta", str(META), "--workers", "2",
                 "--partition-size", str(PART), "--corrections", "none", "--quiet"])
    assert code == 0
    assert (tmp_path / "out" / "articles").is_dir()
    assert_same_tables(reference, tmp_path / "out")


@pytest.mark.slow
def test_dask_local_cluster_matches_single_process(corpus, reference, tmp_path):
    run(corpus, tmp_path / "out", workers=2, scheduler="local")
    assert_same_tables(reference, tmp_path / "out")


class KillAfter:
    """A partition function that does the real work, then dies at partition `k` (a simulated kill)."""

    def __init__(self, out: Path, k: int) -> None:
        self.real = scale._Annotate(out=str(scale.stage_dir(out)), pipeline="rules", corrections="none")
        self.k = k
        self.calls: list[int] = []

    def __call__(self, part: scale.Partition) -> dict:
        self.calls.append(part.index)
        if part.index == self.k:
            raise KeyboardInterrupt("simulated kill")
        return self.real(part)


def test_resume_after_kill_skips_finished_partitions(corpus, reference, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run(corpus, out, partition_func=KillAfter(out, 2))
    assert sorted(scale.read_markers(scale.stage_dir(out))) == [0, 1]
    assert not (out / "articles").exists()  # nothing published until every partition is done
    again = KillAfter(out, k=-1)
    run(corpus, out, partition_func=again)
    assert again.calls == [2, 3]
    assert_same_tables(reference, out)


def test_resume_never_duplicates_rows(corpus, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run(corpus, out, partition_func=KillAfter(out, 3))
    # A kill between a partition's parts and its marker: parts on disk, no marker.
    (scale.stage_dir(out) / scale.CHECKPOINT_DIR / "part-00001.json").unlink()
    run(corpus, out)
    articles = read_table(out, "articles")
    assert articles["article_id"].is_unique
    assert len(articles) == 5 + N_SYNTH


def test_changed_partition_size_starts_afresh(corpus, reference, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    run(corpus, out, partition_size=PART + 4)
    assert len(table_parts(out, "articles")) == 3
    assert_same_tables(reference, out)


def test_changed_partition_content_is_redone(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    marker = out / scale.CHECKPOINT_DIR / "part-00001.json"
    m = json.loads(marker.read_text())
    m["fingerprint"] = "0" * 64  # as if the corpus files of partition 1 had been edited since
    marker.write_text(json.dumps(m))
    again = KillAfter(out, k=-1)
    run(corpus, out, partition_func=again)
    assert again.calls == [1]


def test_shorter_corpus_removes_stale_parts(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    fake = out / "articles" / "part-00009.parquet"
    shutil.copyfile(out / "articles" / "part-00000.parquet", fake)
    (out / scale.CHECKPOINT_DIR / "part-00009.json").write_text("{}")
    run(corpus, out)
    assert not fake.exists()
    assert not (out / scale.CHECKPOINT_DIR / "part-00009.json").exists()


def test_single_file_table_does_not_shadow_parts(corpus, reference, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(reference, out)  # an earlier single-process run in the same folder
    run(corpus, out)
    assert not (out / "articles.parquet").exists()
    assert (out / "articles").is_dir()


def test_iter_partitions_cuts_the_stream_in_order(corpus):
    parts = list(scale.iter_partitions(corpus, meta=META, size=PART))
    assert [len(p.items) for p in parts] == [6, 6, 6, 3]
    assert [p.index for p in parts] == [0, 1, 2, 3]
    assert len({p.fingerprint for p in parts}) == 4


def test_read_errors_travel_in_partitions(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("Headline\n\nSome body text here.\n", encoding="utf-8")
    (tmp_path / "c" / "b.txt").write_bytes(b"")
    summary = run(tmp_path / "c", tmp_path / "out", meta=None, partition_size=1)
    assert (summary.n_articles, summary.n_errors) == (1, 1)
    assert read_table(tmp_path / "out", "errors")["reason"].tolist() == ["empty file"]


def test_item_dict_round_trip():
    import datetime as dt

    art = Article(id="x", text="T", source_path="p", outlet="O", published=dt.date(2019, 8, 31), url="u", title="t")
    assert scale.dict_to_item(scale.item_to_dict(art)) == art
    err = ReadError("p", "bad")
    assert scale.dict_to_item(scale.item_to_dict(err)) == err


def test_worker_pipeline_is_rebuilt_every_k_partitions():
    scale._WORKER["uses"] = 0
    first = scale.worker_pipeline("rules", recycle_every=2)
    assert scale.worker_pipeline("rules", recycle_every=2) is first
    assert scale.worker_pipeline("rules", recycle_every=2) is not first


def test_iter_table_parts_unifies_columns(tmp_path):
    from workbench.tables import iter_table_parts

    folder = tmp_path / "t"
    folder.mkdir()
    pd.DataFrame({"article_id": ["b"], "start": [1]}).to_parquet(folder / "part-00000.parquet")
    pd.DataFrame({"article_id": ["a"], "start": [0], "extra": ["e"]}).to_parquet(folder / "part-00001.parquet")
    frames = list(iter_table_parts(tmp_path, "t"))
    assert [len(f) for f in frames] == [1, 1]
    assert all("extra" in f.columns for f in frames)
    assert read_table(tmp_path, "t")["article_id"].tolist() == ["a", "b"]


def test_iter_table_batches_splits_single_files_and_unifies_columns(tmp_path):
    from workbench.tables import iter_table_batches

    pd.DataFrame({"article_id": list("abcde"), "start": range(5)}).to_parquet(tmp_path / "s.parquet")
    assert [len(f) for f in iter_table_batches(tmp_path, "s", batch_rows=2)] == [2, 2, 1]
    folder = tmp_path / "t"
    folder.mkdir()
    pd.DataFrame({"article_id": ["b"], "start": [1]}).to_parquet(folder / "part-00000.parquet")
    pd.DataFrame({"article_id": ["a"], "start": [0], "extra": ["e"]}).to_parquet(folder / "part-00001.parquet")
    frames = list(iter_table_batches(tmp_path, "t", columns=["article_id", "extra"]))
    assert [f.columns.tolist() for f in frames] == [["article_id", "extra"]] * 2
    assert frames[0]["extra"].isna().all() and frames[1]["extra"].tolist() == ["e"]


@pytest.mark.slow
def test_analyses_read_partitioned_tables_like_single_files(tmp_path):
    from workbench.cli import main

    single, parted = tmp_path / "single", tmp_path / "parted"
    annotate_corpus(SEEDS_DIR, single, meta=META, progress=False, corrections="none")
    scale.annotate_partitioned(SEEDS_DIR, parted, meta=META, partition_size=2, progress=False, corrections="none")
    assert main(["analyze", str(single)]) == main(["analyze", str(parted)]) == 0
    for table in ("framing", "distinctive_terms", "reuse_pairs", "timeline", "figure_claims"):
        pd.testing.assert_frame_equal(read_table(single, table), read_table(parted, table), obj=table)


def test_corrections_for_absent_articles_are_reported_once_per_run(corpus, tmp_path):
    corr = tmp_path / "corr"
    corr.mkdir()
    (corr / "mine.csv").write_text("action,table,article_id,start,end,sha256,values\n"
                                   "delete,timex,no_such_article,0,4,s,\n", encoding="utf-8")
    with pytest.warns(Warning, match="not in this corpus"):
        summary = run(corpus, tmp_path / "out", corrections=str(corr))
    conflicts = read_table(tmp_path / "out", "corrections_conflicts")
    # 4 partitions, none of which holds the article: one conflict row, not four, and none for known articles.
    assert list(conflicts["article_id"]) == ["no_such_article"]
    assert summary.tables["corrections_conflicts"] == 1
    (corr / "mine.csv").write_text("action,table,article_id,start,end,sha256,values\n", encoding="utf-8")
    run(corpus, tmp_path / "out", corrections=str(corr))  # resumes every partition, recomputes the report
    assert read_table(tmp_path / "out", "corrections_conflicts").empty
