"""A corpus of real-ish articles with ~10% hostile files (tests/hostile.py), annotated by `workbench annotate`
with the rules pipeline in one process, on a 2-worker pool and on a Dask LocalCluster: every good article is in
`articles`, every bad input is one `errors` row with its path and reason, and the three runs agree."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests import hostile
from workbench.cli import EXIT_INPUT_ERRORS, main
from workbench.corpus import MAX_BYTES_ENV
from workbench.tables import read_table

MODES = {"single": [], "pool": ["--workers", "2", "--partition-size", "16"],
         "dask": ["--scheduler", "local", "--workers", "2", "--partition-size", "16"]}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    txt = hostile.make_txt_corpus(root / "corpus")
    return {"root": root, "txt": txt, "meta": hostile.make_metadata(root / "meta.csv", txt.good),
            "corr": hostile.make_corrections(root / "corrections"),
            "jsonl": hostile.make_jsonl_corpus(root / "c.jsonl"), "csv": hostile.make_csv_corpus(root / "c.csv")}


def annotate(corpus: Path, out: Path, *extra: str) -> int:
    return main(["annotate", str(corpus), "--out", str(out), "--quiet", *extra])


def assert_errors(errors: pd.DataFrame, expected: list[tuple[str, str]], path: str = "source_path") -> None:
    rows = list(zip(errors[path], errors["reason"]))
    for suffix, fragment in expected:
        hits = [r for p, r in rows if p.endswith(suffix) and fragment in r]
        assert len(hits) == 1, (suffix, fragment, [r for r in rows if r[0].endswith(suffix)])
    assert len(rows) == len(expected), rows


@pytest.fixture(scope="module")
def runs(inputs, tmp_path_factory):
    """The folder corpus, with the bad metadata and corrections, annotated in each mode -> {mode: (code, out)}."""
    mp = pytest.MonkeyPatch()
    mp.setenv(MAX_BYTES_ENV, "1")  # 1 MiB, so that one file is over the cap
    out = {}
    try:
        for mode, args in MODES.items():
            dest = tmp_path_factory.mktemp(f"out-{mode}")
            with pytest.warns(UserWarning):  # the bad corrections are reported as conflicts
                code = annotate(inputs["root"] / "corpus", dest, "--meta", str(inputs["root"] / "meta.csv"),
                                "--corrections", str(inputs["root"] / "corrections"), *args)
            out[mode] = (code, dest)
    finally:
        mp.undo()
    return out


def test_hostile_files_are_about_a_tenth(inputs):
    txt = inputs["txt"]
    assert 0.08 <= len(txt.bad) / (len(txt.good) + len(txt.bad)) <= 0.15


@pytest.mark.parametrize("mode", MODES)
def test_every_good_article_is_annotated_and_every_bad_input_reported(inputs, runs, mode):
    code, out = runs[mode]
    assert code == EXIT_INPUT_ERRORS
    assert sorted(read_table(out, "articles")["article_id"]) == sorted(inputs["txt"].good)
    assert_errors(read_table(out, "errors"), inputs["txt"].bad + inputs["meta"].bad)
    assert_errors(read_table(out, "corrections_conflicts"), inputs["corr"].bad, path="source")
    arts = read_table(out, "articles").set_index("article_id")
    assert arts.loc["quotes", "n_chars"] > 20_000 and arts.loc["longline", "n_chars"] > 300_000
    sents = read_table(out, "sentences")
    text = (inputs["root"] / "corpus" / "wire" / "longline.txt").read_text(encoding="utf-8")
    long = sents[sents["article_id"] == "longline"]
    assert len(long) > 2000 and all(text[s:e] == t for s, e, t in zip(long["start"], long["end"], long["text"]))


def test_the_three_modes_give_the_same_tables(runs):
    single = runs["single"][1]
    for mode in ("pool", "dask"):
        for table in ("articles", "errors", "sentences", "mentions", "figures", "timex", "corrections_conflicts"):
            a = read_table(single, table).drop(columns=["source_path"], errors="ignore")
            b = read_table(runs[mode][1], table).drop(columns=["source_path"], errors="ignore")
            key = list(a.columns)
            pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                          b.sort_values(key).reset_index(drop=True), obj=f"{mode} {table}")


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
@pytest.mark.parametrize("mode", ["single", "pool"])
def test_record_corpora_keep_every_good_record(inputs, tmp_path, monkeypatch, kind, mode):
    monkeypatch.setenv(MAX_BYTES_ENV, "1")
    out = tmp_path / "out"
    assert annotate(inputs["root"] / f"c.{kind}", out, "--corrections", "none", *MODES[mode]) == EXIT_INPUT_ERRORS
    assert sorted(read_table(out, "articles")["article_id"]) == sorted(inputs[kind].good)
    assert_errors(read_table(out, "errors"), inputs[kind].bad)
