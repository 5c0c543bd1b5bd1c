"""Corpus readers: each kind of corpus, metadata join, text kept exactly as read, streaming, offsets over the seeds."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import inspect
import json
import tracemalloc

import pytest

from workbench.corpus import (
    Article, ReadError, decode_bytes, iter_articles, load_metadata, parse_date, read_corpus, split_stream,
)
from workbench.tables import read_table

TEXT = "Storm hits town\r\n\r\nThe storm hit the town on Monday.\r\n"


def test_txt_folder_is_recursive_sorted_and_ids_are_stems(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z1.txt").write_text("Second\n", encoding="utf-8")
    (tmp_path / "a2.txt").write_text("First\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article\n", encoding="utf-8")
    arts, errs = split_stream(read_corpus(tmp_path))
    assert [a.id for a in arts] == ["a2", "z1"] and errs == []
    assert arts[1].source_path == str(tmp_path / "b" / "z1.txt")


def test_text_is_kept_exactly_as_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(TEXT.encode("utf-8"))
    (a,) = [x for x in read_corpus(tmp_path)]
    assert a.text == TEXT and "\r\n" in a.text
    assert a.sha256 == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()


def test_single_txt_file_is_a_corpus(tmp_path):
    p = tmp_path / "one.txt"
    p.write_text("Headline\n", encoding="utf-8")
    (a,) = list(read_corpus(p))
    assert a.id == "one" and a.text == "Headline\n"


def test_jsonl_reader_takes_optional_fields(tmp_path):
    p = tmp_path / "c.jsonl"
    rec = {"id": 7, "text": TEXT, "outlet": "Daily", "published": "2019-08-30", "url": "http://x", "title": "T",
           "lang": "en"}
    p.write_text(json.dumps(rec) + "\n\n", encoding="utf-8")
    (a,) = list(read_corpus(p))
    assert (a.id, a.text, a.outlet, a.published, a.url, a.title) == ("7", TEXT, "Daily", dt.date(2019, 8, 30), "http://x", "T")
    assert a.extra == {"lang": "en"} and a.source_path == f"{p}:1"


def test_csv_reader_takes_optional_columns(tmp_path):
    p = tmp_path / "c.csv"
    with open(p, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "outlet", "published"])
        w.writerow(["a", TEXT, "Daily", "2019-08-31T10:00:00"])
    (a,) = list(read_corpus(p))
    assert a.text == TEXT and a.outlet == "Daily" and a.published == dt.date(2019, 8, 31)
    assert a.source_path == f"{p}:row 2"


def test_missing_and_unsupported_corpus_are_errors(tmp_path):
    (e1,) = list(read_corpus(tmp_path / "nope"))
    (tmp_path / "c.xml").write_text("<x/>", encoding="utf-8")
    (e2,) = list(read_corpus(tmp_path / "c.xml"))
    assert isinstance(e1, ReadError) and "does not exist" in e1.reason
    assert isinstance(e2, ReadError) and "unsupported" in e2.reason


def test_duplicate_ids_across_subfolders_keep_the_first(tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text(f"From {sub}\n", encoding="utf-8")
    arts, errs = split_stream(iter_articles(tmp_path))
    assert [a.text for a in arts] == ["From x\n"]
    assert len(errs) == 1 and "duplicate article id 'same'" in errs[0].reason and errs[0].source_path.endswith("y/same.txt")


def test_curated_metadata_wins_over_record_fields(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text(json.dumps({"id": "a", "text": TEXT, "outlet": "Record"}) + "\n", encoding="utf-8")
    meta = tmp_path / "m.csv"
    meta.write_text("\ufeffarticle_id,outlet,published,url\na,Curated,2019-08-31,\n", encoding="utf-8")
    arts, errs = split_stream(iter_articles(p, meta=meta))
    assert errs == [] and arts[0].outlet == "Curated" and arts[0].published == dt.date(2019, 8, 31)


def test_load_metadata_reports_duplicates_and_blank_ids(tmp_path):
    meta = tmp_path / "m.csv"
    meta.write_text("article_id,outlet\na,X\na,Y\n,Z\n", encoding="utf-8")
    rows, errs = load_metadata(meta)
    assert rows == {"a": {"outlet": "X", "published": None}}
    assert [e.source_path for e in errs] == [f"{meta}:row 3", f"{meta}:row 4"]


def test_parse_date_and_decode_bytes():
    assert parse_date(" 2019-08-30 ") == dt.date(2019, 8, 30) and parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("30/08/2019")
    assert decode_bytes("\ufeffx".encode()) == "\ufeffx"
    with pytest.raises(ValueError, match="invalid UTF-8 at byte 1"):
        decode_bytes(b"a\xff")


def test_readers_stream(tmp_path):
    p = tmp_path / "big.jsonl"
    body = "The storm hit the town. " * 400
    with open(p, "w", encoding="utf-8") as fh:
        for i in range(2000):  # ~20 MB
            fh.write(json.dumps({"id": f"a{i}", "text": body + str(i)}) + "\n")
    stream = iter_articles(p)
    assert inspect.isgenerator(stream)
    tracemalloc.start()
    n = sum(1 for item in stream if isinstance(item, Article))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n == 2000
    assert peak < 2_000_000  # a few records at a time, never the 20 MB file


def test_seed_offsets_index_the_files_exactly(seeds_rules, seeds_dir):
    texts = {p.stem: p.read_bytes().decode("utf-8") for p in seeds_dir.glob("*.txt")}
    arts = read_table(seeds_rules, "articles")
    assert sorted(arts["article_id"]) == sorted(texts)
    for aid, sha in zip(arts["article_id"], arts["sha256"]):
        assert sha == hashlib.sha256(texts[aid].encode("utf-8")).hexdigest()
    blocks = read_table(seeds_rules, "blocks")
    for r in blocks.itertuples():
        line = texts[r.article_id][r.start:r.end]
        assert line.strip() and "\n" not in line and not line.endswith("\r")
        assert texts[r.article_id].splitlines()[r.line_no - 1].rstrip("\r") == line
    for table, col in (("sentences", "text"), ("mentions", "surface"), ("entities", "text"), ("quotes", "text"),
                       ("figures", "text"), ("timex", "text")):
        df = read_table(seeds_rules, table)
        bad = [r for r in df.to_dict("records") if texts[r["article_id"]][r["start"]:r["end"]] != r[col]]
        assert bad == [], table
