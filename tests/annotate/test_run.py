"""Per-article isolation in the one annotate path (annotate/run.py): a failure in a component, a record function
or a row's types for one article becomes one `errors` row; every other article goes through, in a single process,
a process pool and Dask."""
from __future__ import annotations

from functools import lru_cache

import dask
import distributed  # noqa: F401  (its config must exist before dask.config.set, which drops it on exit)
import pytest
from spacy.language import Language

from workbench import scale
from workbench.annotate import run
from workbench.annotate.pipeline import COMPONENTS, build_pipeline
from workbench.annotate.run import annotate_articles
from workbench.corpus import Article, ReadError
from workbench.tables import read_table

GOOD = ("The army said on Friday that 12 civilians were killed in Idlib.\n\n"
        '"We will not leave," a resident told reporters on 30 August 2019.\n')
TRIGGER = "EXPLODE"


@Language.component("wb_test_explode")
def explode(doc):
    """Fails on any Doc holding the trigger word (a stand-in for a component bug hit by one article)."""
    if TRIGGER in doc.text:
        raise ValueError(f"cannot handle {TRIGGER}")
    return doc


@lru_cache(maxsize=2)
def exploding_pipeline(name: str = "rules") -> Language:
    return build_pipeline(name, components=(*COMPONENTS, "wb_test_explode"))


def corpus(n: int = 10, bad: tuple[int, ...] = (3, 7)) -> list[Article]:
    return [Article(f"a{i:02d}", GOOD + (f"Then {TRIGGER} happened.\n" if i in bad else f"Item {i}.\n"), f"mem/{i}")
            for i in range(n)]


def rows_without(rec, table: str, ids: set[str]) -> list[dict]:
    return [r for r in rec.tables[table] if r["article_id"] not in ids]


def test_a_failing_component_costs_one_article_and_names_itself():
    arts = corpus()
    rec = annotate_articles(arts, exploding_pipeline(), batch_size=4)
    errors = rec.tables["errors"]
    assert [(e["article_id"], e["component"], e["source_path"]) for e in errors] == [
        ("a03", "wb_test_explode", "mem/3"), ("a07", "wb_test_explode", "mem/7")]
    assert all(e["reason"] == f"ValueError: cannot handle {TRIGGER}" for e in errors)
    assert [a["article_id"] for a in rec.tables["articles"]] == [a.id for a in arts if a.id not in ("a03", "a07")]
    # the good articles get exactly the rows a pipeline without the failing component gives them
    plain = annotate_articles(arts, build_pipeline("rules"), batch_size=4)
    for table in ("blocks", "sentences", "mentions", "entities", "quotes", "figures", "timex"):
        assert rec.tables[table] == rows_without(plain, table, {"a03", "a07"}), table
        assert not [r for r in rec.tables[table] if r["article_id"] in ("a03", "a07")], table


def test_read_errors_pass_through_with_their_component():
    rec = annotate_articles([ReadError("x.txt", "empty file"), *corpus(2, bad=())], build_pipeline("rules"))
    assert rec.tables["errors"] == [{"source_path": "x.txt", "reason": "empty file", "article_id": None,
                                     "component": "read"}]
    assert len(rec.tables["articles"]) == 2


def test_a_failing_record_function_costs_one_article(monkeypatch):
    real = run.RECORD_FUNCS["figures"]

    def figures(doc):
        if TRIGGER in doc.text:
            raise KeyError("value")
        return real(doc)

    monkeypatch.setitem(run.RECORD_FUNCS, "figures", figures)
    rec = annotate_articles(corpus(5, bad=(1,)), build_pipeline("rules"))
    assert [(e["article_id"], e["component"], e["reason"]) for e in rec.tables["errors"]] == [
        ("a01", "records:figures", "KeyError: 'value'")]
    assert len(rec.tables["articles"]) == 4


def test_a_row_the_writer_could_not_store_costs_one_article(monkeypatch):
    real = run.RECORD_FUNCS["timex"]

    def timex(doc):
        rows = real(doc)
        if TRIGGER in doc.text:
            rows = [{**rows[0], "start": "12"}]  # a str in an int column: ArrowTypeError for the whole table
        return rows

    monkeypatch.setitem(run.RECORD_FUNCS, "timex", timex)
    rec = annotate_articles(corpus(5, bad=(2,)), build_pipeline("rules"))
    assert [(e["article_id"], e["component"]) for e in rec.tables["errors"]] == [("a02", "write:timex")]
    assert "TypeError" in rec.tables["errors"][0]["reason"]


def test_a_lone_surrogate_in_a_row_is_caught_before_the_writer():
    with pytest.raises(UnicodeEncodeError):
        run.check_rows("entities", [{"article_id": "x", "text": "a\ud800"}])


def _write_corpus(folder, arts):
    folder.mkdir()
    for a in arts:
        (folder / f"{a.id}.txt").write_text(a.text, encoding="utf-8")


@pytest.mark.parametrize("mode", [{"workers": 2}, {"workers": 2, "scheduler": "local"}], ids=["pool", "dask"])
def test_partitioned_runs_isolate_the_failing_article(tmp_path, monkeypatch, mode):
    _write_corpus(tmp_path / "c", corpus(8, bad=(5,)))
    # Workers are forked from this process (Dask too, below), so they see the failing pipeline under "rules".
    monkeypatch.setattr(scale, "cached_pipeline", exploding_pipeline)
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        scale.annotate_partitioned(tmp_path / "c", tmp_path / "out", partition_size=3, progress=False,
                                   corrections="none", **mode)
    errors = read_table(tmp_path / "out", "errors")
    assert errors[["article_id", "component"]].values.tolist() == [["a05", "wb_test_explode"]]
    assert errors["source_path"].iloc[0].endswith("a05.txt")
    assert sorted(read_table(tmp_path / "out", "articles")["article_id"]) == [f"a{i:02d}" for i in range(8) if i != 5]


def test_a_long_line_is_cut_into_docs_no_longer_than_the_chunk():
    para = "The army said on Monday that 12 people were hurt when rebels shelled Idlib. "
    text = "Storm hits town\n\n" + para * 150 + "\n\n" + "x" * 2500 + "\n"  # a 12,000-character line, a 2,500 one
    blocks = run.segment(text, "a")
    chunks = list(run._chunks(text, blocks, 1000))
    assert all(end - base <= 1000 for base, end, _ in chunks[:-1]) and chunks[-1][1] == len(text)
    assert max(len(text[base:end].rstrip()) for base, end, _ in chunks) <= 1000
    assert all(text[base + b.start:base + b.end] == text[base:end][b.start:b.end] for base, end, rel in chunks
               for b in rel)
    cuts = [base for base, _, _ in chunks[1:]]
    inside = [c for c in cuts if text.index("The army") < c < text.index("xxx")]
    assert len(inside) >= 10 and all(text[c - 2:c] == ". " for c in inside)  # cut after a sentence end
    rec = annotate_articles([Article("a", text, "m")], build_pipeline("rules"), chunk_chars=1000)
    whole = annotate_articles([Article("a", text, "m")], build_pipeline("rules"))
    assert rec.tables["errors"] == [] and rec.tables["blocks"] == whole.tables["blocks"]
    for table, col in (("sentences", "text"), ("figures", "text"), ("timex", "text"), ("entities", "text")):
        assert rec.tables[table], table
        assert all(text[r["start"]:r["end"]] == r[col] for r in rec.tables[table]), table
    assert len(rec.tables["figures"]) == len(whole.tables["figures"])


def test_twenty_thousand_quote_marks_tokenise_in_linear_time():
    import time

    from workbench.annotate.base import tokenize

    nlp = build_pipeline("rules")
    for text in ('"' * 20_000, "He said: " + "“(" * 10_000 + " and left."):
        t = time.perf_counter()
        doc = tokenize(nlp, text)
        assert time.perf_counter() - t < 5  # spaCy's own tokenizer takes minutes on these (quadratic)
        assert doc.text == text and len(doc) >= 20_000
