"""Broken corpora: every bad input gives one clear `errors` row (path + reason) or a documented handling, every good
article still goes through, and offsets stay exact (BOM and CRLF included).

Documented handlings (no error row): a BOM stays the first character of the text (offsets count it); CRLF stays in
the text and a block ends before its CR; embedded newlines in a CSV cell are part of the text; a 1 MB single line
is one block; a 50 MB article is annotated in line-aligned chunks.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from workbench.annotate.pipeline import build_pipeline
from workbench.annotate.run import annotate_articles
from workbench.annotate.write import annotate_corpus
from workbench.blocks import iter_lines
from workbench.corpus import Article, ReadError, iter_articles, split_stream
from workbench.tables import read_table

GOOD = "Storm hits coastal town\n\nThe storm hit the town on Monday, officials said.\n"


def run(corpus: Path, tmp_path: Path, **kw) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    out = tmp_path / "out"
    annotate_corpus(corpus, out, force=True, progress=False, corrections="none", **kw)
    return read_table(out, "articles"), read_table(out, "errors"), read_table(out, "blocks")


def one_error(errors: pd.DataFrame, path_part: str) -> str:
    hits = errors[errors["source_path"].str.contains(path_part, regex=False)]
    assert len(hits) == 1, errors.to_dict("records")
    return hits["reason"].iloc[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    return d


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\r\n \n", "whitespace"),
        ("bom_only.txt", b"\xef\xbb\xbf\r\n", "whitespace"),
        ("latin1.txt", "Caf\u00e9 owners said the storm hit.\n".encode("latin-1"), "UTF-8"),
        ("nul.txt", b"Headline\n\nBody text with a NUL\x00 byte.\n", "NUL"),
    ],
)
def test_bad_txt_file_gives_one_error_row_and_good_article_survives(folder, tmp_path, name, data, reason):
    (folder / name).write_bytes(data)
    arts, errors, _ = run(folder, tmp_path)
    assert reason.lower() in one_error(errors, name).lower()
    assert list(arts["article_id"]) == ["good"]


def test_bom_is_kept_and_offsets_count_it(folder, tmp_path):
    (folder / "bom.txt").write_bytes("\ufeffHeadline here\n\nBody sentence one.\n".encode("utf-8"))
    arts, errors, blocks = run(folder, tmp_path)
    assert errors.empty
    text = (folder / "bom.txt").read_bytes().decode("utf-8")
    assert text[0] == "\ufeff"
    b = blocks[blocks["article_id"] == "bom"]
    assert [text[s:e] for s, e in zip(b["start"], b["end"])] == ["\ufeffHeadline here", "Body sentence one."]
    assert arts.set_index("article_id").loc["bom", "n_chars"] == len(text)


def test_crlf_lines_end_before_the_cr(folder, tmp_path):
    (folder / "crlf.txt").write_bytes(b"Headline here\r\n\r\nFirst paragraph.\r\nSecond paragraph.\r\n")
    _, errors, blocks = run(folder, tmp_path)
    assert errors.empty
    text = (folder / "crlf.txt").read_bytes().decode("utf-8")
    b = blocks[blocks["article_id"] == "crlf"]
    assert [text[s:e] for s, e in zip(b["start"], b["end"])] == ["Headline here", "First paragraph.", "Second paragraph."]
    assert list(b["line_no"]) == [1, 3, 4]


def test_every_table_row_indexes_crlf_and_bom_text(folder, tmp_path):
    (folder / "both.txt").write_bytes("\ufeffArmy shells town\r\n\r\nThe army said on 30 August that 12 people died.\r\n".encode())
    out = tmp_path / "out"
    annotate_corpus(folder, out, force=True, progress=False, corrections="none")
    text = (folder / "both.txt").read_bytes().decode("utf-8")
    for table, col in (("sentences", "text"), ("timex", "text"), ("figures", "text"), ("mentions", "surface")):
        df = read_table(out, table)
        df = df[df["article_id"] == "both"]
        assert all(text[s:e] == t for s, e, t in zip(df["start"], df["end"], df[col])), table


def test_one_megabyte_single_line_is_one_block(tmp_path):
    text = "Headline\n\n" + "word " * 200_000 + "end."
    nlp = build_pipeline("rules", components=())
    rec = annotate_articles([Article("long", text, "x")], nlp)
    blocks = rec.tables["blocks"]
    assert len(blocks) == 2
    assert text[blocks[1]["start"]:blocks[1]["end"]] == text[10:]


@pytest.mark.slow
def test_fifty_megabyte_article_goes_through_in_chunks(tmp_path):
    para = ("The council said on Monday that 12 people were hurt when a storm hit the town. " * 25).strip() + "\n\n"
    text = "Storm hits town\n\n" + para * (50_000_000 // len(para))
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "big.txt").write_text(text, encoding="utf-8")
    nlp = build_pipeline("rules", components=())  # blocks + sentences: the costly components are not the point
    rec = annotate_articles(iter_articles(tmp_path / "big"), nlp, chunk_chars=2_000_000)
    assert rec.tables["errors"] == []
    blocks = rec.tables["blocks"]
    assert len(blocks) == sum(1 for _ in iter_lines(text))
    sents = rec.tables["sentences"]
    assert sents[-1]["end"] == len(text.rstrip())  # the last chunk's sentences are shifted back into the article
    for r in sents[:: max(1, len(sents) // 500)]:
        assert text[r["start"]:r["end"]] == r["text"]


def test_file_that_disappears_mid_run_gives_an_error_row(folder):
    (folder / "zz_vanishing.txt").write_text(GOOD, encoding="utf-8")
    seen = []
    for item in iter_articles(folder):
        seen.append(item)
        if isinstance(item, Article) and item.id == "good":
            (folder / "zz_vanishing.txt").unlink()
    assert [a.id for a in seen if isinstance(a, Article)] == ["good"]
    errs = [e for e in seen if isinstance(e, ReadError)]
    assert len(errs) == 1 and errs[0].source_path.endswith("zz_vanishing.txt") and "cannot read" in errs[0].reason


def write_jsonl(path: Path, lines: list[str | dict]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for ln in lines:
            fh.write((json.dumps(ln) if isinstance(ln, dict) else ln) + "\n")
    return path


def test_jsonl_bad_line_missing_text_and_duplicate_id(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "text": GOOD},
        '{"id": "b", "text": "unterminated',
        {"id": "c"},
        {"id": "a", "text": "Another text.\n"},
        {"id": "d", "text": GOOD, "published": "not a date"},
        "[1, 2]",
        {"id": "e", "text": GOOD},
    ])
    arts, errors, _ = run(path, tmp_path)
    assert list(arts["article_id"]) == ["a", "e"]
    assert "malformed JSON" in one_error(errors, "c.jsonl:2")
    assert "missing text" in one_error(errors, "c.jsonl:3")
    assert "duplicate article id 'a'" in one_error(errors, "c.jsonl:4")
    assert "bad published date" in one_error(errors, "c.jsonl:5")
    assert "not an object" in one_error(errors, "c.jsonl:6")
    assert len(errors) == 5


def test_jsonl_with_bom_reads_first_record(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": GOOD}).encode() + b"\n")
    arts, errs = split_stream(iter_articles(path))
    assert [a.id for a in arts] == ["a"] and errs == []


def test_jsonl_invalid_utf8_line_spares_the_others(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n' + json.dumps({"id": "b", "text": GOOD}).encode() + b"\n")
    arts, errs = split_stream(iter_articles(path))
    assert [a.id for a in arts] == ["b"]
    assert len(errs) == 1 and "UTF-8" in errs[0].reason


def test_csv_missing_text_column_is_one_error(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,body\na,hello\n", encoding="utf-8")
    arts, errs = split_stream(iter_articles(path))
    assert arts == [] and len(errs) == 1 and "text" in errs[0].reason and errs[0].source_path == str(path)


def test_csv_embedded_newlines_stay_in_the_text(tmp_path):
    path = tmp_path / "c.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "outlet"])
        w.writerow(["a", "Headline\r\n\r\nBody line one.\nBody line two.", "X"])
        w.writerow(["b", "", "X"])
        w.writerow(["c", GOOD, "Y"])
    arts, errors, blocks = run(path, tmp_path)
    assert list(arts["article_id"]) == ["a", "c"]
    assert "empty text" in one_error(errors, "row 3")
    text = "Headline\r\n\r\nBody line one.\nBody line two."
    b = blocks[blocks["article_id"] == "a"]
    assert [text[s:e] for s, e in zip(b["start"], b["end"])] == ["Headline", "Body line one.", "Body line two."]


def test_csv_with_bom_and_a_bad_byte_row(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"\xef\xbb\xbfid,text\na,caf\xe9 owners\nb,\"" + GOOD.encode() + b"\"\n")
    arts, errs = split_stream(iter_articles(path))
    assert [a.id for a in arts] == ["b"]
    assert len(errs) == 1 and "UTF-8" in errs[0].reason and errs[0].source_path.endswith("row 2")


def test_metadata_with_unknown_ids_and_bad_dates(folder, tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text("article_id,outlet,published,url\ngood,Daily,31/08/2019,\nghost,Other,2019-08-30,\n", encoding="utf-8")
    arts, errors, _ = run(folder, tmp_path, meta=meta)
    assert "bad published date" in one_error(errors, "meta.csv:row 2")
    reasons = " | ".join(errors["reason"])
    assert "unknown article_id 'ghost'" in reasons
    row = arts.set_index("article_id").loc["good"]
    assert row["outlet"] == "Daily" and pd.isna(row["published"])


def test_metadata_without_article_id_column_is_one_error(folder, tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text("id,outlet\ngood,Daily\n", encoding="utf-8")
    arts, errors, _ = run(folder, tmp_path, meta=meta)
    assert "article_id" in one_error(errors, "meta.csv")
    assert list(arts["article_id"]) == ["good"]


def test_every_bad_input_at_once_leaves_good_articles_and_one_row_each(folder, tmp_path):
    for name, data in {"a.txt": b"", "b.txt": b"\xff\xfe\x00h", "c.txt": b"\n\n", "d.txt": b"ok \xc3\x28"}.items():
        (folder / name).write_bytes(data)
    (folder / "sub").mkdir()
    (folder / "sub" / "nested.txt").write_text(GOOD, encoding="utf-8")
    arts, errors, _ = run(folder, tmp_path)
    assert sorted(arts["article_id"]) == ["good", "nested"]
    assert sorted(Path(p).name for p in errors["source_path"]) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert errors["reason"].str.len().min() > 5
