"""Researchers' corrections: recorded append-only, applied on every run, marked in the tables, conflicts reported."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from workbench import corrections as C
from workbench.annotate.run import Records
from workbench.annotate.write import annotate_corpus
from workbench.evaluate import evaluate_dir
from workbench.tables import read_table

TEXT = (
    "Rebels shell town as army advances\n\n"
    "The army said on Friday that rebels had shelled the town, killing at least 12 civilians.\n\n"
    "Smoke rises over the town after the shelling.\n"
)


@pytest.fixture(autouse=True)
def cheap_pipeline(monkeypatch):
    """Blocks and sentences only: corrections work on any table's rows, whatever the components find."""
    from workbench.annotate import pipeline, run, write

    monkeypatch.setattr(write, "build_pipeline", lambda name: pipeline.build_pipeline(name, components=()))
    monkeypatch.setattr(run, "RECORD_FUNCS", {})


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a1.txt").write_text(TEXT, encoding="utf-8")
    return {"corpus": corpus, "out": tmp_path / "out", "corr": tmp_path / "corrections"}


def annotate(p: dict[str, Path]) -> Path:
    annotate_corpus(p["corpus"], p["out"], force=True, progress=False, corrections=str(p["corr"]))
    return p["out"]


def row(out: Path, table: str, start: int, end: int) -> dict | None:
    df = read_table(out, table)
    hit = df[(df["start"] == start) & (df["end"] == end)]
    return hit.iloc[0].to_dict() if len(hit) else None


def test_round_trip_correct_add_delete_then_conflict(project):
    out = annotate(project)
    uncorrected = {t: read_table(out, t) for t in C.CORRECTABLE}
    last = read_table(out, "blocks").iloc[-1]
    fri = TEXT.index("Friday")
    reb = TEXT.index("rebels had")
    C.correct(out, "blocks", "a1", int(last.start), int(last.end), kind="caption", corrections_dir=project["corr"])
    C.add(out, "timex", "a1", fri, fri + 6, type="DATE", value="2019-08-30", corrections_dir=project["corr"])
    C.add(out, "mentions", "a1", reb, reb + 6, term="rebels", actor="opposition", corrections_dir=project["corr"])

    out = annotate(project)  # the next run applies them
    assert row(out, "blocks", int(last.start), int(last.end))["kind"] == "caption"
    t = row(out, "timex", fri, fri + 6)
    assert t["text"] == "Friday" and t["value"] == "2019-08-30" and t["corrected"]
    m = row(out, "mentions", reb, reb + 6)
    assert m["surface"] == "rebels" and m["actor"] == "opposition" and m["block_kind"] == "body"
    assert m["sent_start"] <= reb < m["sent_end"]
    assert read_table(out, "corrections_conflicts").empty

    C.delete(out, "mentions", "a1", reb, reb + 6, corrections_dir=project["corr"])
    C.correct(out, "timex", "a1", fri, fri + 6, value="2019-08-31", corrections_dir=project["corr"])
    out = annotate(project)
    assert row(out, "mentions", reb, reb + 6) is None
    t = row(out, "timex", fri, fri + 6)
    assert t["value"] == "2019-08-31" and len(t["correction_id"].split(",")) == 2
    assert len(read_table(out, "corrections_applied")) == 5

    # The raw view undoes every correction: exactly the tables of the run before any correction.
    for table, before in uncorrected.items():
        raw = C.raw_table(out, table)
        pd.testing.assert_frame_equal(raw[list(before.columns)], before, check_dtype=False, obj=table)
    assert C.raw_table(out, "blocks").iloc[-1]["kind"] == last.kind

    # The article changes: every correction is reported, none applied, none silently dropped.
    (project["corpus"] / "a1.txt").write_text(TEXT.replace("Friday", "Sunday"), encoding="utf-8")
    with pytest.warns(C.CorrectionConflictWarning):
        out = annotate(project)
    conflicts = read_table(out, "corrections_conflicts")
    assert len(conflicts) == 5 and conflicts["reason"].str.contains("text changed").all()
    assert not read_table(out, "blocks")["corrected"].any()


def test_helper_only_appends(project):
    out = annotate(project)
    b = read_table(out, "blocks").iloc[0]
    C.correct(out, "blocks", "a1", int(b.start), int(b.end), kind="body", corrections_dir=project["corr"])
    first = (project["corr"] / "corrections.csv").read_bytes()
    C.correct(out, "blocks", "a1", int(b.start), int(b.end), kind="headline", corrections_dir=project["corr"])
    second = (project["corr"] / "corrections.csv").read_bytes()
    assert second.startswith(first) and second.count(b"\n") == first.count(b"\n") + 1


def test_pipeline_never_writes_the_corrections_folder(project):
    project["corr"].mkdir()
    (project["corr"] / "mine.csv").write_text(",".join(C.CSV_COLUMNS) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in project["corr"].iterdir()}
    annotate(project)
    assert {p.name: p.read_bytes() for p in project["corr"].iterdir()} == before


def test_hand_edited_csv_row_is_applied(project):
    out = annotate(project)
    sha = read_table(out, "articles")["sha256"].iloc[0]
    b = read_table(out, "blocks").iloc[1]
    project["corr"].mkdir()
    (project["corr"] / "by-hand.csv").write_text(
        "action,table,article_id,start,end,sha256,values\n"
        f"correct,blocks,a1,{b.start},{b.end},{sha},kind=subheading\n", encoding="utf-8")
    out = annotate(project)
    got = row(out, "blocks", int(b.start), int(b.end))
    assert got["kind"] == "subheading" and got["corrected"] and got["correction_id"].startswith("h-")


def test_block_kind_correction_reaches_sentences(project):
    out = annotate(project)
    b = read_table(out, "blocks").iloc[-1]
    C.correct(out, "blocks", "a1", int(b.start), int(b.end), kind="comment", corrections_dir=project["corr"])
    out = annotate(project)
    s = read_table(out, "sentences")
    assert set(s[s["start"] >= b.start]["block_kind"]) == {"comment"}


def test_span_no_longer_annotated_is_a_conflict(project):
    out = annotate(project)
    sha = read_table(out, "articles")["sha256"].iloc[0]
    project["corr"].mkdir()
    (project["corr"] / "x.csv").write_text(
        "action,table,article_id,start,end,sha256,values\n"
        f"delete,quotes,a1,3,9,{sha},\n"
        f"correct,timex,a1,0,2,{sha},value=2019\n"
        f"correct,timex,ghost,0,2,{sha},value=2019\n"
        f"correct,mentions,a1,0,2,{sha},start=4\n", encoding="utf-8")
    with pytest.warns(C.CorrectionConflictWarning, match="could not be applied"):
        out = annotate(project)
    reasons = list(read_table(out, "corrections_conflicts").sort_values("source")["reason"])
    assert len(reasons) == 4
    assert "no quotes row" in reasons[0] and "no timex row" in reasons[1]
    assert "not in this corpus" in reasons[2] and "cannot change start" in reasons[3]


def test_added_span_whose_text_does_not_match_is_a_conflict():
    rec = Records()
    rec.tables["articles"] = [{"article_id": "a", "sha256": "s"}]
    rec.tables["sentences"] = [{"article_id": "a", "start": 0, "end": 11, "text": "Hello world"}]
    c = C.Correction("x", "add", "timex", "a", 6, 11, "s", "Earth", {"type": "DATE", "value": "2019"}, "t:2")
    applied, conflicts = C.apply_corrections(rec.tables, [c])
    assert applied == [] and "not the text" in conflicts[0]["reason"] and rec.tables["timex"] == []


def test_partition_does_not_report_other_articles():
    rec = Records()
    rec.tables["articles"] = [{"article_id": "a", "sha256": "s"}]
    c = C.Correction("x", "delete", "timex", "b", 0, 4, "s", None, {}, "t:2")
    assert C.apply_corrections(rec.tables, [c], report_unknown_articles=False) == ([], [])


def test_none_skips_corrections(project):
    out = annotate(project)
    b = read_table(out, "blocks").iloc[0]
    C.correct(out, "blocks", "a1", int(b.start), int(b.end), kind="body", corrections_dir=project["corr"])
    annotate_corpus(project["corpus"], out, force=True, progress=False, corrections="none")
    assert row(out, "blocks", int(b.start), int(b.end))["kind"] == b.kind


def test_parse_values_accepts_json_and_key_value_pairs():
    assert C.parse_values('{"actor": "army", "value": 3}') == {"actor": "army", "value": 3}
    assert C.parse_values("actor=army; term = regime forces") == {"actor": "army", "term": "regime forces"}
    with pytest.raises(ValueError):
        C.parse_values("actor army")


def test_coerce_value_follows_the_schema():
    assert C.coerce_value("figures", "value", "12") == 12.0
    assert C.coerce_value("quotes", "speaker", "") is None
    assert C.coerce_value("figures", "vague", "true") is True


def test_correct_refuses_a_row_that_is_not_there(project):
    out = annotate(project)
    with pytest.raises(LookupError, match="use add"):
        C.correct(out, "timex", "a1", 0, 3, value="2019", corrections_dir=project["corr"])


def test_evaluate_raw_scores_before_corrections(project, tmp_path):
    out = annotate(project)
    b = read_table(out, "blocks").iloc[0]
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "blocks.jsonl").write_text(
        f'{{"article_id": "a1", "line_no": 1, "start": {b.start}, "end": {b.end}, "kind": "caption"}}\n', encoding="utf-8")
    C.correct(out, "blocks", "a1", int(b.start), int(b.end), kind="caption", corrections_dir=project["corr"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = annotate(project)
    after = evaluate_dir(out, gold)["scores"].set_index("table").loc["blocks"]
    before = evaluate_dir(out, gold, corrected=False)["scores"].set_index("table").loc["blocks"]
    assert after["recall"] == 1.0 and before["recall"] == 0.0


def test_unknown_articles_are_reported_once_for_a_partitioned_run(tmp_path):
    (tmp_path / "c.csv").write_text("action,table,article_id,start,end,sha256,values\n"
                                    "delete,timex,a,0,4,s,\ndelete,timex,gone,0,4,s,\n", encoding="utf-8")
    rows = C.unknown_article_conflicts(["a", "b"], tmp_path)
    assert [(r["article_id"], r["reason"]) for r in rows] == [("gone", "article not in this corpus")]


def _hostile_corrections(folder: Path, sha: dict[str, str], sentence: dict) -> None:
    """One corrections file with every kind of bad row beside good ones, a Latin-1 file and a folder named x.csv."""
    folder.mkdir()
    a, s, e, text = sentence["article_id"], sentence["start"], sentence["end"], sentence["text"]
    good_add = f'add,timex,{a},{s},{s + 3},{sha[a]},"{text[:3]}",type=DATE; value=2019\n'
    (folder / "a.csv").write_text(
        "action,table,article_id,start,end,sha256,surface,values\n"
        + good_add
        + f'add,timex,{a},{s},{s + 3},{sha[a]},"zz{text[2:3]}",type=DATE; value=2019\n'  # surface not the text
        + f"add,timex,{a},100000,100003,{sha[a]},abc,type=DATE; value=2019\n"  # past the end
        + f"correct,sentences,{a},{s},{e},{sha[a]},,block_kind=body\n"  # not a correctable table
        + f"delete,timex,{a},-3,-1,{sha[a]},,\n"  # offsets out of range
        + f"delete,timex,ghost,0,2,{sha[a]},,\n"  # an article the corpus does not have
        + f"delete,timex,{a},0,2,{'0' * 64},,\n",  # made on another version of the text
        encoding="utf-8")
    (folder / "b.CSV").write_bytes(
        b"action,table,article_id,start,end,sha256,surface,values\n"
        + f"delete,timex,{a},0,2,{sha[a]},Caf".encode() + b"\xe9,\n")
    (folder / "x.csv").mkdir()


def test_bad_corrections_are_conflicts_and_partitioned_runs_report_the_same(tmp_path, monkeypatch):
    from workbench import scale
    from workbench.annotate import pipeline

    monkeypatch.setattr(scale, "cached_pipeline", lambda name: pipeline.build_pipeline(name, components=()))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(5):
        (corpus / f"a{i}.txt").write_text(TEXT.replace("12", str(10 + i)), encoding="utf-8")
    first = annotate_corpus(corpus, tmp_path / "plain", force=True, progress=False, corrections="none").out
    sha = dict(read_table(first, "articles")[["article_id", "sha256"]].values)
    sents = read_table(first, "sentences")
    _hostile_corrections(tmp_path / "corr", sha, sents[sents["article_id"] == "a3"].iloc[1].to_dict())
    with pytest.warns(C.CorrectionConflictWarning):
        single = annotate_corpus(corpus, tmp_path / "single", force=True, progress=False,
                                 corrections=str(tmp_path / "corr")).out
    with pytest.warns(C.CorrectionConflictWarning):
        parts = scale.annotate_partitioned(corpus, tmp_path / "parts", partition_size=2, progress=False,
                                           corrections=str(tmp_path / "corr")).out
    conflicts = read_table(single, "corrections_conflicts")
    reasons = " | ".join(conflicts["reason"])
    assert len(conflicts) == 8, reasons
    for phrase in ("surface 'zz", "outside the article", "cannot be corrected", "not in this corpus",
                   "article text changed", "not UTF-8", "cannot read corrections file"):
        assert phrase in reasons, phrase
    assert sum("outside the article" in r for r in conflicts["reason"]) == 2
    applied = read_table(single, "corrections_applied")
    assert applied[["action", "article_id"]].values.tolist() == [["add", "a3"]]
    timex = read_table(single, "timex")
    text = (corpus / "a3.txt").read_text(encoding="utf-8")
    assert all(text[r.start:r.end] == r.text for r in timex.itertuples())
    for table in ("corrections_applied", "corrections_conflicts", "timex"):
        key = sorted(read_table(single, table).columns)
        pd.testing.assert_frame_equal(
            read_table(single, table).sort_values(key, na_position="first").reset_index(drop=True),
            read_table(parts, table).sort_values(key, na_position="first").reset_index(drop=True), obj=table)
