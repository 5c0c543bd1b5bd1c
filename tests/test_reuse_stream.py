"""Out-of-core wire-copy tracing (workbench/reuse_stream.py): the same tables as the in-memory reference."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from workbench import reuse, reuse_stream
from workbench.tables import read_table, write_table

PAIR_COLS = ["article_a", "start_a", "end_a", "article_b", "start_b", "end_b", "similarity"]


def _copy_inputs(src: Path, dst: Path, *, parts: int = 0) -> Path:
    """articles + sentences of `src` into `dst`, sentences split into `parts` part files when parts > 0."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "articles.parquet", dst / "articles.parquet")
    if not parts:
        shutil.copy(src / "sentences.parquet", dst / "sentences.parquet")
        return dst
    sents = read_table(src, "sentences")
    (dst / "sentences").mkdir()
    # Parts hold articles in an order other than the id order, as partitions of a corpus may.
    ids = sorted(sents["article_id"].unique(), reverse=True)
    for k in range(parts):
        chunk = sents[sents["article_id"].isin(ids[k::parts])]
        write_table("sentences", chunk, dst / "sentences")
        (dst / "sentences" / "sentences.parquet").rename(dst / "sentences" / f"part-{k:05d}.parquet")
    return dst


def _assert_same(folder: Path, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    pairs, subs = reuse.reuse_tables(folder)
    reuse_stream.write_reuse_tables_ooc(folder, **options)
    got_pairs = pd.read_parquet(folder / "reuse_pairs.parquet")
    got_subs = pd.read_parquet(folder / "substitutions.parquet")
    pd.testing.assert_frame_equal(got_pairs, pairs[PAIR_COLS].reset_index(drop=True), check_dtype=False)
    pd.testing.assert_frame_equal(got_subs, subs.reset_index(drop=True), check_dtype=False)
    return got_pairs, got_subs


def test_out_of_core_equals_in_memory_on_the_seeds(seeds_rules, tmp_path):
    pairs, subs = _assert_same(_copy_inputs(Path(seeds_rules), tmp_path))
    assert len(pairs) > 20 and len(subs) > 20


def test_out_of_core_equals_in_memory_with_many_buckets_batches_and_parts(seeds_rules, tmp_path):
    folder = _copy_inputs(Path(seeds_rules), tmp_path, parts=3)
    pairs, _ = _assert_same(folder, bucket_bytes=2_000, batch_rows=7)
    assert len(pairs) > 20


@pytest.fixture(scope="module")
def synth_tables(tmp_path_factory) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import synth

    from workbench.annotate.pipeline import build_pipeline
    from workbench.annotate.run import annotate_articles
    from workbench.corpus import Article, parse_date

    recs = list(synth.make_corpus(60, seed=2))
    arts = [Article(id=r["id"], text=r["text"], source_path="-", outlet=r["outlet"],
                    published=parse_date(r["published"])) for r in recs]
    tables = annotate_articles(arts, build_pipeline("rules", components=()), tables=("sentences",)).tables
    out = tmp_path_factory.mktemp("synth-reuse")
    write_table("articles", tables["articles"], out)
    write_table("sentences", tables["sentences"], out)
    return out


def test_out_of_core_equals_in_memory_on_a_synthetic_corpus(synth_tables, tmp_path):
    folder = _copy_inputs(synth_tables, tmp_path, parts=4)
    pairs, subs = _assert_same(folder, bucket_bytes=50_000, batch_rows=300)
    assert len(pairs) > 100 and len(subs) > 100


def test_out_of_core_leaves_no_scratch_files_and_writes_provenance(seeds_rules, tmp_path):
    folder = _copy_inputs(Path(seeds_rules), tmp_path / "t")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    reuse_stream.write_reuse_tables_ooc(folder, work_dir=scratch)
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == ["articles.parquet", "reuse_pairs.parquet", "sentences.parquet",
                                                        "substitutions.parquet"]
    meta = pq.read_schema(folder / "reuse_pairs.parquet").metadata
    assert meta[b"workbench.reuse_threshold"] == str(reuse.THRESHOLD).encode()


def test_out_of_core_on_tables_without_reusable_sentences(tmp_path):
    write_table("articles", [{"article_id": "a", "outlet": "X"}], tmp_path)
    write_table("sentences", [{"article_id": "a", "start": 0, "end": 5, "block_kind": "byline", "text": "By Jo"}],
                tmp_path)
    reuse_stream.write_reuse_tables_ooc(tmp_path)
    assert read_table(tmp_path, "reuse_pairs").empty and read_table(tmp_path, "substitutions").empty


def test_out_of_core_splits_a_pair_bucket_larger_than_planned(synth_tables, tmp_path, monkeypatch):
    # Near-duplicate articles make many more pairs than the shingle count planned for: the bucket is split.
    monkeypatch.setattr(reuse_stream, "SHINGLES_PER_SENTENCE", 0.001)  # plan a single bucket
    made = []
    init = reuse_stream.Spill.__init__
    monkeypatch.setattr(reuse_stream.Spill, "__init__",
                        lambda self, folder, name, n, dtype: made.append(name) or init(self, folder, name, n, dtype))
    folder = _copy_inputs(synth_tables, tmp_path)
    _assert_same(folder, bucket_bytes=20_000)
    assert "pairs00000" in made


def test_cli_reuse_publishes_into_a_managed_folder(seeds_rules, capsys):
    from workbench.cli import main
    from workbench.tables import is_managed, is_own_link

    assert is_managed(seeds_rules)
    assert main(["reuse", str(seeds_rules)]) == 0
    for name in ("reuse_pairs.parquet", "substitutions.parquet"):
        assert is_own_link(seeds_rules, name)
    assert not list(Path(seeds_rules).glob(".*.tmp"))
    assert len(read_table(seeds_rules, "reuse_pairs")) > 20
