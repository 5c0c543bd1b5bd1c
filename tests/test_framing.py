"""framing.py: source labels, Wilson intervals, the framing table and its filters, log-odds with a Dirichlet prior."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from workbench import framing as fr
from workbench import stats
from workbench.framing_voice import select_voice
from workbench.tables import read_table, write_table

Z = 1.959963984540054


def _articles() -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": ["a1", "a2", "u1", "u2"],
        "outlet": ["Alpha", "Beta", "unknown", None],
        "published": [dt.date(2020, 1, 1), dt.date(2020, 2, 1), dt.date(2020, 3, 1), None],
        "n_words": [1000, 500, 200, 300],
    })


def _mention(aid: str, start: int, term: str, actor: str, kind: str = "body") -> dict:
    return {"article_id": aid, "start": start, "end": start + len(term), "surface": term, "term": term,
            "actor": actor, "block_kind": kind, "sent_start": 0, "sent_end": 100}


def _mentions() -> pd.DataFrame:
    rows = [
        _mention("a1", 0, "regime", "SYRIAN_STATE", "headline"),
        _mention("a1", 10, "regime", "SYRIAN_STATE"),
        _mention("a1", 20, "regime", "SYRIAN_STATE"),
        _mention("a1", 30, "army", "SYRIAN_STATE"),
        _mention("a1", 40, "terrorists", "ARMED_OPPOSITION"),
        _mention("a2", 0, "government", "SYRIAN_STATE"),
        _mention("a2", 10, "rebels", "ARMED_OPPOSITION"),
        _mention("a2", 20, "rebels", "ARMED_OPPOSITION"),
        _mention("u1", 0, "government", "SYRIAN_STATE"),
        _mention("u2", 0, "regime", "SYRIAN_STATE"),
    ]
    return pd.DataFrame(rows)


def _wilson_by_roots(k: int, n: int, z: float = Z) -> tuple[float, float]:
    # The Wilson bounds are the p solving (k/n - p)^2 = z^2 p (1 - p) / n: solve the quadratic directly.
    ph = k / n
    a, b, c = 1 + z * z / n, -(2 * ph + z * z / n), ph * ph
    roots = sorted(np.roots([a, b, c]).real)
    return max(roots[0], 0.0), min(roots[1], 1.0)


# ------------------------------------------------------------------------------------------------ sources

@pytest.mark.parametrize("outlet", [None, "", "unknown", "Unknown ", float("nan")])
def test_unknown_outlet_gets_article_label(outlet):
    assert fr.source_label(outlet, "x9") == "unknown:x9"


def test_known_outlet_is_kept():
    assert fr.source_label(" TRT World ", "x9") == "TRT World"


def test_unknown_outlets_stay_apart():
    src = fr.article_sources(_articles())
    assert src["outlet"].tolist() == ["Alpha", "Beta", "unknown:u1", "unknown:u2"]


def test_select_sources_date_range_drops_undated():
    src = fr.select_sources(fr.article_sources(_articles()), date_from="2020-01-15", date_to=dt.date(2020, 3, 1))
    assert src["article_id"].tolist() == ["a2", "u1"]


# ------------------------------------------------------------------------------------------------ Wilson

@pytest.mark.parametrize("k,n", [(3, 10), (1, 1), (7, 16), (10, 10), (0, 4)])
def test_wilson_matches_quadratic_roots(k, n):
    low, high = stats.wilson_interval(k, n)
    exp_low, exp_high = _wilson_by_roots(k, n)
    assert low == pytest.approx(exp_low, abs=1e-9)
    assert high == pytest.approx(exp_high, abs=1e-9)


def test_wilson_zero_successes_closed_form():
    # k = 0: low = 0, high = z^2 / (n + z^2)
    low, high = stats.wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(Z * Z / (10 + Z * Z), rel=1e-12)


def test_wilson_known_value():
    # 3 of 10, 95%: (0.1078, 0.6032), the textbook Wilson interval
    low, high = stats.wilson_interval(3, 10)
    assert (round(float(low), 4), round(float(high), 4)) == (0.1078, 0.6032)


def test_wilson_nan_without_trials():
    low, high = stats.wilson_interval([1, 0], [2, 0])
    assert np.isnan(low[1]) and np.isnan(high[1]) and not np.isnan(low[0])


# ------------------------------------------------------------------------------------------------ framing

def test_framing_counts_and_shares():
    f = fr.framing_table(_mentions(), _articles())
    row = f[(f.outlet == "Alpha") & (f.actor == "SYRIAN_STATE") & (f.term == "regime")].iloc[0]
    assert (row["count"], row["actor_total"]) == (3, 4)
    assert row["share"] == pytest.approx(0.75)
    assert row["per_1k_words"] == pytest.approx(3.0)  # 3 per 1,000 words
    low, high = _wilson_by_roots(3, 4)
    assert (row["share_low"], row["share_high"]) == (pytest.approx(low), pytest.approx(high))


def test_framing_columns_follow_schema():
    assert fr.framing_table(_mentions(), _articles()).columns.tolist() == fr.FRAMING_COLUMNS


def test_framing_unknown_outlets_not_pooled():
    f = fr.framing_table(_mentions(), _articles())
    assert {"unknown:u1", "unknown:u2"} <= set(f["outlet"])
    assert f[f.outlet.str.startswith("unknown")]["count"].tolist() == [1, 1]


def test_framing_filter_outlet():
    f = fr.framing_table(_mentions(), _articles(), outlets=["Beta"])
    assert set(f["outlet"]) == {"Beta"} and f["count"].sum() == 3


def test_framing_filter_actor():
    f = fr.framing_table(_mentions(), _articles(), actors=["ARMED_OPPOSITION"])
    assert f[["outlet", "term", "count"]].values.tolist() == [["Alpha", "terrorists", 1], ["Beta", "rebels", 2]]


def test_framing_filter_block_kind_changes_totals():
    f = fr.framing_table(_mentions(), _articles(), block_kinds=["headline"])
    assert f[["outlet", "term", "count", "actor_total"]].values.tolist() == [["Alpha", "regime", 1, 1]]


def test_framing_filter_date_range():
    f = fr.framing_table(_mentions(), _articles(), date_from="2020-01-10", date_to="2020-02-28")
    assert set(f["outlet"]) == {"Beta"}


def test_framing_empty_mentions():
    f = fr.framing_table(_mentions().iloc[0:0], _articles())
    assert f.empty and f.columns.tolist() == fr.FRAMING_COLUMNS


def test_pivot_puts_terms_side_by_side():
    wide = fr.term_pivot(fr.framing_table(_mentions(), _articles()), terms=["regime", "government"],
                         actor="SYRIAN_STATE")
    assert wide.columns.tolist() == ["regime", "government"]
    assert wide.loc["Alpha"].tolist() == [0.75, 0.0]
    assert wide.loc["Beta"].tolist() == [0.0, 1.0]


def test_pivot_without_actor_pools_actors():
    wide = fr.term_pivot(fr.framing_table(_mentions(), _articles()), terms=["regime", "terrorists"], value="count")
    assert wide.loc["Alpha"].tolist() == [3, 1]


def test_pivot_without_actor_share_of_all_designations():
    wide = fr.term_pivot(fr.framing_table(_mentions(), _articles()), terms=["regime"], value="share")
    assert wide.loc["Alpha", "regime"] == pytest.approx(3 / 5)


# ------------------------------------------------------------------------------------------------ log-odds

def test_log_odds_hand_computed():
    # y_i = (3, 1), y_j = (1, 3), alpha = (1, 1): a0 = 2, n_i = n_j = 4.
    # delta_0 = log(4 / (4 + 2 - 3 - 1)) - log(2 / (4 + 2 - 1 - 1)) = log 2 - log 0.5 = 2 log 2
    # var_0 = 1/4 + 1/2 = 0.75, z_0 = 2 log 2 / sqrt(0.75)
    delta, z = fr.log_odds_dirichlet([3, 1], [1, 3], [1, 1])
    assert delta[0] == pytest.approx(2 * math.log(2))
    assert z[0] == pytest.approx(2 * math.log(2) / math.sqrt(0.75))
    assert delta[1] == pytest.approx(-2 * math.log(2))


def test_log_odds_unequal_sizes_hand_computed():
    # y_i = (5, 0, 5), y_j = (2, 6, 2), alpha = (0.5, 0.5, 1): a0 = 2, n_i = n_j = 10; term 1 (absent in i):
    # delta = log(0.5 / (10 + 2 - 0 - 0.5)) - log(6.5 / (10 + 2 - 6 - 0.5)); var = 1/0.5 + 1/6.5
    delta, z = fr.log_odds_dirichlet([5, 0, 5], [2, 6, 2], [0.5, 0.5, 1])
    exp = math.log(0.5 / 11.5) - math.log(6.5 / 5.5)
    assert delta[1] == pytest.approx(exp)
    assert z[1] == pytest.approx(exp / math.sqrt(1 / 0.5 + 1 / 6.5))


def test_log_odds_antisymmetric():
    d1, z1 = fr.log_odds_dirichlet([4, 2, 9], [1, 5, 3], [1, 2, 3])
    d2, z2 = fr.log_odds_dirichlet([1, 5, 3], [4, 2, 9], [1, 2, 3])
    np.testing.assert_allclose(d1, -d2)
    np.testing.assert_allclose(z1, -z2)


def test_informative_prior_scales_to_alpha0():
    prior = fr.informative_prior([2, 6, 2], alpha0=5)
    np.testing.assert_allclose(prior, [1, 3, 1])


def test_informative_prior_default_is_background():
    np.testing.assert_allclose(fr.informative_prior([2, 6, 2]), [2, 6, 2])


def _term_counts() -> pd.DataFrame:
    return pd.DataFrame({"outlet": ["A", "A", "B", "B", "C"], "term": ["regime", "army", "government", "army", "army"],
                         "count": [3, 1, 1, 3, 2]})


def test_distinctive_each_outlet_vs_rest_counts():
    d = fr.distinctive_from_counts(_term_counts(), kind="designation")
    row = d[(d.outlet == "A") & (d.term == "army")].iloc[0]
    assert (row["count"], row["count_rest"], row["other"], row["kind"]) == (1, 5, "rest", "designation")


def test_distinctive_z_uses_pooled_prior():
    d = fr.distinctive_from_counts(_term_counts())
    # vocabulary (army, government, regime); pooled = (6, 1, 3) is the prior; A = (1, 0, 3), rest = (5, 1, 0)
    _, z = fr.log_odds_dirichlet([1, 0, 3], [5, 1, 0], [6, 1, 3])
    got = d[d.outlet == "A"].set_index("term")["z"]
    assert got["regime"] == pytest.approx(z[2]) and got["army"] == pytest.approx(z[0])


def test_distinctive_sorted_by_z_within_outlet():
    d = fr.distinctive_from_counts(_term_counts())
    a = d[d.outlet == "A"]["z"].tolist()
    assert a == sorted(a, reverse=True) and d.columns.tolist() == fr.DISTINCTIVE_COLUMNS


def test_distinctive_min_total_drops_rare_terms():
    d = fr.distinctive_from_counts(_term_counts(), min_total=2)
    assert "government" not in set(d["term"])


def test_distinctive_needs_two_outlets():
    assert fr.distinctive_from_counts(_term_counts().query("outlet == 'A'")).empty


def test_compare_groups_pools_outlets():
    d = fr.compare_groups(_term_counts(), ["A"], ["B", "C"], name_b="B+C")
    row = d[d.term == "army"].iloc[0]
    assert (row["outlet"], row["other"], row["count"], row["count_rest"]) == ("A", "B+C", 1, 5)
    _, z = fr.log_odds_dirichlet([1, 0, 3], [5, 1, 0], [6, 1, 3])
    assert row["z"] == pytest.approx(z[0])


def test_compare_groups_rejects_overlap():
    with pytest.raises(ValueError):
        fr.compare_groups(_term_counts(), ["A", "B"], ["B"])


# ------------------------------------------------------------------------------------------------ lemmas

def test_words_lowercase_no_stopwords_no_possessive():
    assert fr.words("The regime's Army and the U.S. rebel-held town", stop_words={"the", "and"}) == \
        ["regime", "army", "rebel-held", "town"]


def test_lemma_counts_content_blocks_only():
    sents = pd.DataFrame({"article_id": ["a1", "a1", "a2"], "start": [0, 20, 0], "end": [10, 40, 10],
                          "block_kind": ["body", "comment", "headline"],
                          "text": ["Regime forces", "regime regime", "the Regime"]})
    out = fr.lemma_counts(sents, fr.article_sources(_articles()))
    assert out.values.tolist() == [["Alpha", "forces", 1], ["Alpha", "regime", 1], ["Beta", "regime", 1]]


# ------------------------------------------------------------------------------------------------ writing

def _write_folder(path, *, partition_mentions: bool = False):
    write_table("articles", _articles().assign(source_path="x", url=None, title=None, n_chars=1, sha256="0"), path)
    sents = pd.DataFrame({"article_id": ["a1", "a2", "u1"], "start": [0, 0, 0], "end": [20, 20, 20],
                          "block_kind": ["body"] * 3,
                          "text": ["regime regime army", "government rebels", "government offensive"]})
    write_table("sentences", sents, path)
    m = _mentions()
    if partition_mentions:
        (path / "mentions").mkdir()
        write_table("mentions", m.iloc[:5], path / "mentions" / "p0")
        write_table("mentions", m.iloc[5:], path / "mentions" / "p1")
        for i in (0, 1):
            (path / "mentions" / f"p{i}" / "mentions.parquet").rename(path / "mentions" / f"part-{i}.parquet")
            (path / "mentions" / f"p{i}").rmdir()
    else:
        write_table("mentions", m, path)


def test_write_framing_tables_roundtrip(tmp_path):
    _write_folder(tmp_path)
    paths = fr.write_framing_tables(tmp_path)
    assert [p.name for p in paths] == ["framing.parquet", "distinctive_terms.parquet"]
    f = read_table(tmp_path, "framing")
    pd.testing.assert_frame_equal(select_voice(f, "all"), fr.framing_table(_mentions(), _articles()),
                                  check_dtype=False)
    d = read_table(tmp_path, "distinctive_terms")
    assert set(d["kind"]) == {"designation", "lemma"}


def test_write_framing_tables_partitioned_equals_single(tmp_path):
    single, parts = tmp_path / "single", tmp_path / "parts"
    single.mkdir(), parts.mkdir()
    _write_folder(single)
    _write_folder(parts, partition_mentions=True)
    fr.write_framing_tables(single), fr.write_framing_tables(parts)
    for t in ("framing", "distinctive_terms"):
        pd.testing.assert_frame_equal(read_table(single, t), read_table(parts, t))


def test_write_framing_tables_on_seeds(seeds_rules):
    fr.write_framing_tables(seeds_rules)
    f = read_table(seeds_rules, "framing")
    d = read_table(seeds_rules, "distinctive_terms")
    assert f.columns.tolist() == [*fr.FRAMING_COLUMNS, "voice"]
    # every voice's counts add up to the `all` rows, cell by cell; voice never moves a designation between actors
    parts = f[f["voice"] != "all"].groupby(["outlet", "actor", "term"])["count"].sum()
    whole = f[f["voice"] == "all"].set_index(["outlet", "actor", "term"])["count"]
    pd.testing.assert_series_equal(parts.sort_index(), whole.sort_index(), check_names=False)
    assert set(f["voice"]) == {"all", "own", "quoted", "reported", "syndicated"}
    assert set(d.loc[d["kind"] == "lemma", "voice"]) == {"all"}
    assert "unknown:000_664f1b808dc5896f" in set(d["outlet"])
    assert (f["share_low"] <= f["share"]).all() and (f["share"] <= f["share_high"]).all()


def test_fill_terms_adds_zero_rows_with_wilson_bounds():
    f = fr.fill_terms(fr.framing_table(_mentions(), _articles()), actor="SYRIAN_STATE", terms=["regime", "government"])
    beta_regime = f[(f.outlet == "Beta") & (f.term == "regime")].iloc[0]
    # Beta designates the state once, never as "regime": 0 of 1 -> [0, z^2 / (1 + z^2)]
    assert (beta_regime["count"], beta_regime["actor_total"], beta_regime["share_low"]) == (0, 1, 0.0)
    assert beta_regime["share_high"] == pytest.approx(Z * Z / (1 + Z * Z))
    assert f[f.outlet == "Alpha"]["term"].tolist() == ["regime", "government"]


def test_sum_counts_compacting_as_it_goes_gives_the_same_sums():
    frames = [pd.DataFrame({"outlet": ["A", "B"][i % 2:], "term": ["x", "y"][i % 2:], "count": [1, 2][i % 2:]})
              for i in range(7)]
    whole = fr.sum_counts(frames, ["outlet", "term"])
    pd.testing.assert_frame_equal(fr.sum_counts(iter(frames), ["outlet", "term"], compact_rows=2), whole)
    assert whole["count"].tolist() == [4, 2 * 4 + 2 * 3]


def test_distinctive_sparse_equals_the_dense_rows_of_used_terms():
    counts = pd.DataFrame({"outlet": ["A", "A", "A", "B", "B", "C"], "term": ["x", "y", "z", "x", "w", "y"],
                           "count": [5, 1, 2, 1, 7, 3]})
    for min_total in (1, 3):
        dense = fr.distinctive_from_counts(counts, min_total=min_total)
        dense = dense[dense["count"] > 0].reset_index(drop=True)
        sparse = fr.distinctive_sparse(counts, min_total=min_total)
        assert len(sparse) == len(dense) > 0
        pd.testing.assert_frame_equal(sparse, dense, check_dtype=False)
    assert fr.distinctive_sparse(counts[counts["outlet"] == "A"]).empty  # one outlet: nothing to compare
