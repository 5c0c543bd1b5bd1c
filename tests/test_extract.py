"""HTML in: saved pages and `html` columns go through trafilatura; the stored text is the extraction, offsets hold."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from workbench.annotate.write import annotate_corpus
from workbench.blocks import segment
from workbench.corpus import read_corpus, split_stream
from workbench.extract import extract_html, extractor_version
from workbench.tables import read_provenance, read_table

PAGE = Path(__file__).parent / "data" / "storm-page.html"  # a news page written for the tests (nav, share, comments)


def test_main_text_and_metadata_come_from_the_page_not_its_menus():
    page = extract_html(PAGE.read_text(encoding="utf-8"))
    assert page["text"].startswith("Heavy rain fell for a third day")
    for noise in ("Skip to content", "Share on Facebook", "Related stories", "Thoughts with everyone", "Privacy"):
        assert noise not in page["text"]
    assert page["title"] == "Storm floods coastal towns as rivers burst their banks"
    assert page["outlet"] == "The Example Courier" and str(page["published"]) == "2021-03-02"
    assert extractor_version().startswith("trafilatura ")


def test_html_file_in_a_folder_is_an_article_whose_blocks_index_the_extracted_text(tmp_path):
    shutil.copy(PAGE, tmp_path / "storm.html")
    (tmp_path / "note.txt").write_text("Plain text article.\n", encoding="utf-8")
    arts, errs = split_stream(read_corpus(tmp_path))
    assert errs == [] and [a.id for a in arts] == ["note", "storm"]
    art = arts[1]
    assert art.title.startswith("Storm floods") and art.extra["extractor"] == extractor_version()
    blocks = segment(art.text, art.id, title=art.title)
    kinds = {art.text[b.start:b.end]: b.kind for b in blocks}
    assert kinds["Rising waters"] == "subheading"
    assert sum(k == "body" for k in kinds.values()) == 4
    assert all(art.text[b.start:b.end].strip() for b in blocks)


def test_html_column_in_csv_and_jsonl_records_wins_over_page_metadata(tmp_path):
    html = PAGE.read_text(encoding="utf-8")
    with open(tmp_path / "c.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["id", "html", "outlet"])
        w.writeheader()
        w.writerow({"id": "a1", "html": html, "outlet": "courier"})
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "a1", "html": html}) + "\n", encoding="utf-8")
    for name in ("c.csv", "c.jsonl"):
        arts, errs = split_stream(read_corpus(tmp_path / name))
        assert errs == [] and len(arts) == 1
        assert arts[0].text == extract_html(html)["text"]
        assert "html" not in arts[0].extra and arts[0].extra["extractor"] == extractor_version()
    assert split_stream(read_corpus(tmp_path / "c.csv"))[0][0].outlet == "courier"


def test_a_page_without_article_text_is_an_error_row(tmp_path):
    (tmp_path / "empty.html").write_text("<html><body><script>var a = 1;</script></body></html>", encoding="utf-8")
    arts, errs = split_stream(read_corpus(tmp_path))
    assert arts == [] and "no article text" in errs[0].reason


def test_annotating_a_saved_page_records_the_extractor(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PAGE, corpus / "storm.html")
    annotate_corpus(corpus, tmp_path / "out", progress=False)
    assert read_provenance(tmp_path / "out", "blocks")["html_extractor"] == extractor_version()
    arts, blocks = read_table(tmp_path / "out", "articles"), read_table(tmp_path / "out", "blocks")
    assert arts["n_chars"].iloc[0] == len(extract_html(PAGE.read_bytes())["text"])
    assert set(blocks["kind"]) >= {"body", "subheading"}
