"""Hostile inputs to the corpus readers (workbench/corpus.py): every field type-checked, only regular files read,
a size cap, any case of .txt, unreadable folders reported, CSV records never silently merged, bad metadata bytes.
Each gives an error row naming the input and the reason; every good article still comes through."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbench import corpus as K
from workbench.corpus import Article, ReadError, iter_articles, load_metadata, read_corpus, split_stream


def jsonl(path: Path, *records) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def by_where(errs: list[ReadError]) -> dict[str, str]:
    return {e.source_path.rsplit("/", 1)[-1]: e.reason for e in errs}


def test_jsonl_fields_are_coerced_to_text_or_refused(tmp_path):
    p = jsonl(tmp_path / "c.jsonl",
              {"id": 7, "text": "Numbers are written out.", "outlet": 123, "published": "2019-08-30", "url": 1.5},
              {"id": "b", "text": "A list title.", "title": ["x", "y"]},
              {"id": "c", "text": "An object outlet.", "outlet": {"name": "x"}},
              {"id": True, "text": "A boolean id."},
              '{"id": "e", "text": "lone \\ud800 surrogate"}',
              '{"id": "f", "text": "ok", "title": "lone \\udfff"}',
              "[" * 100_000 + "]" * 100_000,
              {"id": "h", "text": 42},
              {"id": "i", "text": "Still read after all that."})
    arts, errs = split_stream(read_corpus(p))
    assert [(a.id, a.outlet, a.url) for a in arts] == [("7", "123", "1.5"), ("i", None, None)]
    reasons = by_where(errs)
    assert reasons == {
        "c.jsonl:2": "field 'title' is a list (['x', 'y']), not text",
        "c.jsonl:3": "field 'outlet' is a dict ({'name': 'x'}), not text",
        "c.jsonl:4": "field 'id' is a bool (True), not text",
        "c.jsonl:5": "field 'text' holds a lone surrogate U+D800 at character 5 (not encodable text)",
        "c.jsonl:6": "field 'title' holds a lone surrogate U+DFFF at character 5 (not encodable text)",
        "c.jsonl:7": "JSON nested too deeply to read",
        "c.jsonl:8": "text is int, not a string",
    }


def test_special_files_are_refused_without_blocking(tmp_path):
    (tmp_path / "good.txt").write_text("A good article.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")  # nobody writes: opening it for reading would hang
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # endless: reading it would exhaust memory
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "pipe.jsonl")
    arts, errs = split_stream(read_corpus(tmp_path))
    assert [a.id for a in arts] == ["good"]
    assert by_where(errs) == {"dangling.txt": "cannot read file: No such file or directory",
                              "pipe.txt": "cannot read file: not a regular file (a FIFO)",
                              "zero.txt": "cannot read file: not a regular file (a character device)"}
    (err,) = read_corpus(tmp_path / "pipe.jsonl")
    assert err.reason == "cannot read file: not a regular file (a FIFO)"


def test_the_size_cap_is_an_error_row_and_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv(K.MAX_BYTES_ENV, "0.001")  # ~1 KiB
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "big.txt").write_text("word " * 400, encoding="utf-8")
    (tmp_path / "f" / "small.txt").write_text("A short one.\n", encoding="utf-8")
    arts, errs = split_stream(read_corpus(tmp_path / "f"))
    assert [a.id for a in arts] == ["small"]
    assert "larger than the size cap of 1048 bytes" in errs[0].reason and K.MAX_BYTES_ENV in errs[0].reason
    p = jsonl(tmp_path / "c.jsonl", {"id": "a", "text": "x " * 2000}, {"id": "b", "text": "fits"})
    arts, errs = split_stream(read_corpus(p))
    assert [a.id for a in arts] == ["b"] and by_where(errs)["c.jsonl:1"].startswith("line larger than the size cap")
    (tmp_path / "c.csv").write_text(f"id,text\na,\"{'x ' * 2000}\"\nb,fits\n", encoding="utf-8")
    arts, errs = split_stream(read_corpus(tmp_path / "c.csv"))
    assert [a.id for a in arts] == ["b"] and "field larger than field limit" in errs[0].reason


def test_extensions_are_matched_in_any_case(tmp_path):
    (tmp_path / "A.TXT").write_text("Upper case extension.\n", encoding="utf-8")
    (tmp_path / "b.Txt").write_text("Mixed case extension.\n", encoding="utf-8")
    (tmp_path / "c.text").write_text("Not an article file.\n", encoding="utf-8")
    assert [a.id for a in read_corpus(tmp_path)] == ["A", "b"]
    (tmp_path / "C.JSONL").write_text('{"id": "j", "text": "x"}\n', encoding="utf-8")
    assert [a.id for a in read_corpus(tmp_path / "C.JSONL")] == ["j"]
    assert [a.id for a in read_corpus(tmp_path / "A.TXT")] == ["A"]


def test_an_unreadable_sub_folder_is_an_error_row(tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("Readable.\n", encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text("Hidden.\n", encoding="utf-8")
    real = os.scandir

    def scandir(path):  # permissions do not stop root, so simulate what chmod 000 does to other users
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(K.os, "scandir", scandir)
    arts, errs = split_stream(read_corpus(tmp_path))
    assert [a.id for a in arts] == ["a"]
    assert errs == [ReadError(str(tmp_path / "locked"), "cannot read folder: Permission denied")]


def test_a_symlink_loop_is_read_once(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Once.\n", encoding="utf-8")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    assert [a.id for a in read_corpus(tmp_path)] == ["a"]


def test_an_unterminated_quote_is_reported_and_does_not_swallow_the_next_rows(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text('id,text\n1,"A quote never closed\n2,Second article.\n3,"Third, ""quoted"" article."\n'
                 '4,Fourth article.\n', encoding="utf-8")
    arts, errs = split_stream(read_corpus(p))
    assert [(a.id, a.text) for a in arts] == [("2", "Second article."), ("3", 'Third, "quoted" article.'),
                                              ("4", "Fourth article.")]
    assert len(errs) == 1 and errs[0].source_path.endswith("c.csv:row 2")
    assert "malformed CSV record at line 2" in errs[0].reason and "the 2 line(s) read with it" in errs[0].reason


def test_text_after_a_closing_quote_is_reported(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text('id,text\n1,"Closed" then text\n2,"Multi\nline, fine."\n', encoding="utf-8")
    arts, errs = split_stream(read_corpus(p))
    assert [(a.id, a.text) for a in arts] == [("2", "Multi\nline, fine.")]
    assert "malformed CSV record at line 2" in errs[0].reason


def test_metadata_with_bad_bytes_or_a_broken_row_is_reported_not_fatal(tmp_path):
    (tmp_path / "c").mkdir()
    for aid in ("a", "b", "c"):
        (tmp_path / "c" / f"{aid}.txt").write_text(f"Article {aid}.\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_bytes(b"article_id,outlet,published\na,Caf\xe9 TV,2019-08-30\nb,\"Open quote,2019-08-31\n"
                     b"c,Good,2019-09-01\n")
    rows, errs = load_metadata(meta)
    assert rows == {"c": {"outlet": "Good", "published": K.parse_date("2019-09-01")}}
    assert [e.source_path.rsplit("/", 1)[-1] for e in errs] == ["meta.csv:row 2", "meta.csv:row 3"]
    assert "not UTF-8" in errs[0].reason and "malformed CSV record" in errs[1].reason
    items = list(iter_articles(tmp_path / "c", meta=meta))
    assert [a.id for a in items if isinstance(a, Article)] == ["a", "b", "c"]
    (tmp_path / "m.csv").mkdir()
    rows, errs = load_metadata(tmp_path / "m.csv")
    assert rows == {} and errs[0].reason == "cannot read metadata: not a regular file (a folder)"
