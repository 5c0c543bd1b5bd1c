"""The validation loop: stratified judging sheets, append-only judgements, precision per stratum, fixes."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import validation as V
from workbench.annotate.write import annotate_corpus
from workbench.cli import main
from workbench.stats import wilson_interval
from workbench.tables import read_table

SENTENCES = [
    "The regime shelled the town on Friday and rebels fired back.",
    "Government forces said the rebels had retreated from the hills.",
    "The army blamed terrorists for the attack on the market.",
    "Rebels said regime aircraft struck a school near the border.",
]


def _corpus(folder: Path) -> Path:
    rows = []
    for i in range(8):
        outlet = "alpha" if i % 2 else "beta"
        text = f"Fighting in the north {i}\n\n" + " ".join(SENTENCES[(i + k) % 4] for k in range(3)) + "\n"
        rows.append({"id": f"a{i}", "text": text, "outlet": outlet, "published": f"2019-08-{10 + i}", "title": ""})
    path = folder / "corpus.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def annotated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("validation")
    out = folder / "out"
    annotate_corpus(_corpus(folder), out, pipeline="rules", force=True, progress=False, corrections="none")
    return out


def test_allocate_gives_every_stratum_one_and_the_rest_by_size():
    sizes = pd.Series({"a": 90, "b": 8, "c": 2})
    take = V.allocate(sizes, 20)
    assert take.sum() == 20
    assert (take >= 1).all() and (take <= sizes).all()
    assert take["a"] > take["b"] >= take["c"]


def test_allocate_with_more_strata_than_rows_still_takes_one_each():
    take = V.allocate(pd.Series({"a": 5, "b": 5, "c": 5}), 2)
    assert list(take) == [1, 1, 1]


def test_allocate_never_exceeds_the_population():
    sizes = pd.Series({"a": 3, "b": 2})
    assert V.allocate(sizes, 50).to_dict() == {"a": 3, "b": 2}


def test_sample_is_reproducible_and_covers_every_stratum(annotated):
    a = V.draw_sample(annotated, "mentions", 10, seed=3)
    b = V.draw_sample(annotated, "mentions", 10, seed=3)
    pd.testing.assert_frame_equal(a, b)
    pop = V.population(annotated, "mentions")
    assert set(a["stratum"]) == set(V.stratum_labels(pop, ["actor", "outlet"]))
    assert len(a) == max(10, a["stratum"].nunique())
    seeds = {tuple(V.draw_sample(annotated, "mentions", 10, seed=s)["start"]) for s in range(5)}
    assert len(seeds) > 1  # the seed matters


def test_sheet_context_holds_the_span_at_its_offsets(annotated):
    sheet = V.draw_sample(annotated, "mentions", 12, seed=0)
    for r in sheet.itertuples():
        assert r.context[r.span_start:r.span_end] == r.surface
        assert r.judgement == r.fix == ""


def test_sample_of_quotes_or_timex_and_unknown_column(annotated):
    timex = V.draw_sample(annotated, "timex", 4, seed=0)
    assert set(timex["table"]) == {"timex"} and {"type", "value"} <= set(timex.columns)
    with pytest.raises(ValueError):
        V.draw_sample(annotated, "mentions", 4, by=["colour"])


def test_write_sheet_never_overwrites(annotated, tmp_path):
    sheet = V.draw_sample(annotated, "mentions", 4, seed=0)
    path = V.write_sheet(sheet, tmp_path / "s.csv")
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        V.write_sheet(sheet.iloc[:1], path)
    assert path.read_bytes() == before


def test_log_is_append_only_and_the_latest_line_wins(annotated, tmp_path):
    sheet = V.draw_sample(annotated, "mentions", 4, seed=0)
    log = tmp_path / "s.judgements.csv"
    rows = sheet.to_dict("records")
    V.append_judgement(log, rows[0], "wrong", fix="UNKNOWN")
    first = log.read_bytes()
    V.append_judgement(log, rows[1], "correct")
    V.append_judgement(log, rows[0], "correct")
    assert log.read_bytes().startswith(first)
    with open(log, encoding="utf-8") as fh:
        assert len(list(csv.reader(fh))) == 4
    j = V.read_judgements(log)
    assert len(j) == 2 and set(j["judgement"]) == {"correct"}
    assert V.progress(sheet, j) == (2, len(sheet))
    with pytest.raises(ValueError):
        V.append_judgement(log, rows[2], "maybe")


def _judge(sheet: pd.DataFrame, wrong: set[int]) -> pd.DataFrame:
    sheet = sheet.copy()
    sheet["judgement"] = ["wrong" if i in wrong else "correct" for i in range(len(sheet))]
    return sheet


def test_validity_counts_and_wilson_intervals(annotated, tmp_path):
    sheet = _judge(V.draw_sample(annotated, "mentions", 12, seed=1), {0, 1})
    sheet.loc[2, "judgement"] = "unsure"
    sheet.to_csv(tmp_path / "judged.csv", index=False)
    v = V.validity_table(annotated, V.read_judgements(tmp_path / "judged.csv"))
    strata = v[v["level"] == "stratum"]
    assert {"actor", "outlet"} <= set(v.columns)
    assert strata["judged"].sum() == len(sheet) - 1 and strata["unsure"].sum() == 1
    assert strata["wrong"].sum() == 2
    low, high = wilson_interval(strata["correct"], strata["judged"])
    np.testing.assert_allclose(strata["low"], low)
    np.testing.assert_allclose(strata["high"], high)
    whole = v[v["level"] == "table"].iloc[0]
    assert whole["population"] == len(read_table(annotated, "mentions"))
    assert whole["low"] <= whole["precision"] <= whole["high"]


def test_weighted_precision_weights_strata_by_size():
    # 1 judged of 90 (wrong) and 10 judged of 10 (right): the big stratum dominates
    p, low, high = V.weighted_precision([90, 10], [1, 10], [0, 10])
    assert p == pytest.approx(0.1)
    assert low < p < high
    # a proportional sample gives the plain proportion and its Wilson interval
    p, low, high = V.weighted_precision([60, 40], [6, 4], [3, 4])
    assert p == pytest.approx(0.7)
    assert (low, high) == pytest.approx(tuple(float(x) for x in wilson_interval(7, 10)))


def test_judgements_on_changed_rows_are_left_out(annotated):
    sheet = _judge(V.draw_sample(annotated, "mentions", 6, seed=2), set())
    sheet.loc[0, "actor"] = "SOMEONE_ELSE"  # the row as judged no longer matches the table
    sheet.loc[1, "sha256"] = "0" * 64        # the article text changed since
    kept = V.matching(sheet, annotated)
    assert len(kept) == len(sheet) - 2


def test_recall_from_articles_read_in_full(annotated):
    sheet = V.draw_sample(annotated, "mentions", 2, seed=0, whole_articles=1)
    full = sheet[sheet["read_full"] == "yes"]
    assert len(full) and full["article_id"].nunique() == 1
    sheet = _judge(sheet, set())
    missed = full.iloc[[0]].assign(judgement="missed", start=0, end=5)
    v = V.validity_table(annotated, pd.concat([sheet, missed], ignore_index=True))
    whole = v[v["level"] == "table"].iloc[0]
    assert whole["recall_found"] == len(full) and whole["recall_missed"] == 1
    assert whole["recall"] == pytest.approx(len(full) / (len(full) + 1))


def test_fixes_become_corrections_once(annotated, tmp_path):
    sheet = _judge(V.draw_sample(annotated, "mentions", 4, seed=0), {0, 1})
    sheet.loc[0, "fix"] = "UNKNOWN"
    sheet.loc[1, "fix"] = "delete"
    corr = tmp_path / "corrections"
    made = V.fixes_to_corrections(annotated, sheet, corrections_dir=corr)
    assert [c.action for c in made] == ["correct", "delete"]
    assert made[0].values == {"actor": "UNKNOWN"}
    assert V.fixes_to_corrections(annotated, sheet, corrections_dir=corr) == []
    assert V.fix_values("mentions", "term=rebels; actor=UNKNOWN") == {"term": "rebels", "actor": "UNKNOWN"}


def test_cli_sample_and_validity(annotated, tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    assert main([ "sample", str(annotated), "--table", "mentions", "--n", "6", "--seed", "4", "--out", str(sheet)]) == 0
    assert main(["sample", str(annotated), "--table", "mentions", "--n", "6", "--out", str(sheet)]) == 3
    judged = _judge(V.read_sheet(sheet), {0})
    judged.to_csv(tmp_path / "judged.csv", index=False)
    assert main(["validity", str(annotated), "--judgements", str(tmp_path / "judged.csv")]) == 0
    v = read_table(annotated, "validity")
    assert v.loc[v["level"] == "table", "wrong"].iloc[0] == 1
    assert main(["validity", str(annotated), "--judgements", str(tmp_path / "none.csv")]) == 2


def test_framing_gains_adjusted_shares_only_from_judgements_of_this_corpus(annotated, tmp_path):
    from workbench.framing import write_framing_tables

    judged = tmp_path / "judged"
    judged.mkdir()
    sheet = _judge(V.draw_sample(annotated, "mentions", 8, seed=5), {0})
    other = sheet.assign(sha256="f" * 64)  # the same rows judged on another version of the texts
    other.to_csv(judged / "other.csv", index=False)
    write_framing_tables(annotated, judgements=judged)
    assert "share_adj" not in read_table(annotated, "framing").columns
    sheet.to_csv(judged / "this.csv", index=False)
    write_framing_tables(annotated, judgements=judged)
    framing = read_table(annotated, "framing")
    framing = framing[framing["voice"] == "all"]  # shares are adjusted on the rows of every voice together
    assert {"share_adj", "share_adj_low", "share_adj_high"} <= set(framing.columns)
    assert framing["share_adj"].notna().all()
