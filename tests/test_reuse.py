"""Wire-copy tracing (workbench/reuse.py): small frames for each rule, the seeds for the structure of the story."""
from __future__ import annotations

import datetime as dt
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import reuse, views
from workbench.tables import read_table

S001, S002, S003 = "001_8b4533b8271eb4d2", "002_661baaa98c53e93b", "003_6603f90266d38ae9"
S000, S004 = "000_664f1b808dc5896f", "004_603b25dccaa5f448"


def _frames(rows: list[tuple[str, str, str]]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """[(article_id, outlet, one-sentence-per-line text)] -> (sentences, articles, texts) tables."""
    sents, arts, texts = [], [], {}
    for aid, outlet, text in rows:
        texts[aid] = text
        arts.append({"article_id": aid, "outlet": outlet, "published": None})
        pos = 0
        for line in text.split("\n"):
            sents.append({"article_id": aid, "start": pos, "end": pos + len(line), "block_kind": "body", "text": line})
            pos += len(line) + 1
    return pd.DataFrame(sents), pd.DataFrame(arts), texts


WIRE = ("Government forces advanced on the last rebel stronghold in the northern province on Friday.\n"
        "Residents said warplanes dropped bombs on the outskirts of the provincial capital overnight.")
REWRITE = ("Regime forces advanced on the last rebel stronghold in the northern province on Friday.\n"
           "The weather was mild and the harvest festival drew large crowds to the market square.")


@pytest.fixture(scope="module")
def seeds_reuse(seeds_rules):
    pairs, subs = reuse.reuse_tables(seeds_rules)
    sentences = read_table(seeds_rules, "sentences")
    articles = read_table(seeds_rules, "articles")
    texts = {r.article_id: Path(r.source_path).read_text(encoding="utf-8") for r in articles.itertuples()}
    return pairs, subs, sentences, articles, texts


def n_pairs(pairs: pd.DataFrame, a: str, b: str) -> int:
    return int(((pairs["article_a"] == a) & (pairs["article_b"] == b)).sum())


# --- small frames ------------------------------------------------------------------------------------------------

def test_edits_finds_one_word_replacement_with_offsets():
    a, b = "Syrian government forces advanced south.", "Syrian regime forces advanced south."
    (e,) = reuse.edits(a, b)
    assert (e.op, a[e.start_a:e.end_a], b[e.start_b:e.end_b]) == ("replace", "government", "regime")


def test_edits_reports_inserted_words_at_their_position():
    a, b = "Jets dropped bombs on the city.", "Jets dropped heavy bombs on the city."
    (e,) = reuse.edits(a, b)
    assert e.op == "insert" and b[e.start_b:e.end_b] == "heavy" and e.start_a == e.end_a == a.index("bombs")


def test_edits_reports_deleted_words():
    a, b = "Rebels said on Friday that the town fell.", "Rebels said that the town fell."
    (e,) = reuse.edits(a, b)
    assert e.op == "delete" and a[e.start_a:e.end_a] == "on Friday" and e.start_b == e.end_b


def test_edits_ignore_case_and_punctuation():
    assert reuse.edits("The Army, it said, advanced.", "the army it said advanced") == []


def test_unknown_outlet_is_its_own_source():
    assert reuse.source_of("unknown", "x1") == "unknown:x1"
    assert reuse.source_of(None, "x2") == "unknown:x2"
    assert reuse.source_of(" TRT World ", "x3") == "trt world"


def test_shingle_index_skips_function_words_and_short_sentences():
    stop = frozenset({"the", "of", "in"})
    idx = reuse.shingle_index(["the fall of the city in spring came late", "too short"], stop=stop, min_words=6)
    assert set(idx.sent.tolist()) == {0}  # the 2-word sentence has no shingles
    assert len(idx.keys) == 4  # fall-city, city-spring, spring-came, came-late


def test_candidate_pairs_skip_same_source():
    keys = np.array([1, 1, 2, 2], dtype=np.uint64)
    sent = np.array([0, 1, 0, 1], dtype=np.int32)
    assert len(reuse.candidate_pairs(keys, sent, np.array([5, 5]), min_shared=1)) == 0
    assert reuse.candidate_pairs(keys, sent, np.array([5, 6]), min_shared=2).tolist() == [[0, 1]]


def test_candidate_pairs_count_a_repeated_shingle_once():
    keys = np.array([9, 9, 9], dtype=np.uint64)
    sent = np.array([0, 0, 1], dtype=np.int32)  # sentence 0 holds the shingle twice
    assert len(reuse.candidate_pairs(keys, sent, np.array([0, 1]), min_shared=2)) == 0


def test_candidate_pairs_drop_shingles_too_common_to_be_evidence():
    keys = np.array([7] * 4, dtype=np.uint64)
    sent = np.arange(4, dtype=np.int32)
    src = np.arange(4)
    assert len(reuse.candidate_pairs(keys, sent, src, min_shared=1, max_df=4)) == 6
    assert len(reuse.candidate_pairs(keys, sent, src, min_shared=1, max_df=3)) == 0


def test_align_pairs_copy_across_outlets_and_not_unrelated_text():
    sents, arts, _ = _frames([("a1", "Wire", WIRE), ("b1", "Paper", REWRITE)])
    pairs = reuse.align(sents, arts)
    assert pairs[["article_a", "start_a", "article_b", "start_b"]].values.tolist() == [["a1", 0, "b1", 0]]


HEADLINE = "Rocket attack on crowded market kills four civilians in northern town"
LEDE = ("Four civilians were killed on Monday when rockets fired by militants from nearby hills struck a crowded "
        "vegetable market in a small northern farming town close to the border, a local monitoring group said.")
LINE = "Government forces advanced on the last rebel stronghold in the northern province on Friday."


def test_align_pairs_a_duplicate_line_once():
    sents, arts, _ = _frames([("a1", "Wire", f"{LINE}\n{LINE}"), ("b1", "Paper", LINE)])
    pairs = reuse.align(sents, arts)
    assert pairs[["start_a", "start_b"]].values.tolist() == [[0, 0]]


def test_align_pairs_duplicate_lines_one_to_one():
    sents, arts, _ = _frames([("a1", "Wire", f"{LINE}\n{LINE}"), ("b1", "Paper", f"{LINE}\n{LINE}")])
    pairs = reuse.align(sents, arts)
    second = len(LINE) + 1
    assert pairs[["start_a", "start_b"]].values.tolist() == [[0, 0], [second, second]]


def test_align_does_not_pair_a_headline_with_the_lede_that_restates_it():
    assert 0.45 <= reuse.similarity(HEADLINE, LEDE) < reuse.THRESHOLD  # a restatement, not copy
    sents, arts, _ = _frames([("a1", "Wire", HEADLINE), ("b1", "Paper", LEDE)])
    assert reuse.align(sents, arts).empty


def test_align_pairs_headline_with_headline_when_both_copy_it():
    # Copied headline and lede: the headline pairs with its copy only, even at a floor low enough for the lede.
    sents, arts, _ = _frames([("a1", "Wire", f"{HEADLINE}\n{LEDE}"), ("b1", "Paper", f"{HEADLINE}\n{LEDE}")])
    pairs = reuse.align(sents, arts, threshold=0.45)
    lede = len(HEADLINE) + 1
    assert pairs[["start_a", "start_b"]].values.tolist() == [[0, 0], [lede, lede]]


def test_one_to_one_is_greedy_by_similarity():
    # Sentence 0 is closest to 10 (0.9) but 10 is closer to 1 (0.95): 1-10 first, then 0 takes 11 (0.7).
    sa, sb = np.array([0, 0, 1]), np.array([10, 11, 10])
    keep = reuse.one_to_one(sa, sb, np.zeros(3, int), np.ones(3, int), np.array([0.9, 0.7, 0.95]), (sa, sb))
    assert keep.tolist() == [False, True, True]


def test_align_ignores_copy_within_one_outlet():
    sents, arts, _ = _frames([("a1", "Wire", WIRE), ("b1", "wire", REWRITE)])
    assert reuse.align(sents, arts).empty


def test_substitutions_offsets_index_original_texts():
    sents, arts, texts = _frames([("a1", "Wire", WIRE), ("b1", "Paper", REWRITE)])
    subs = reuse.substitutions_frame(reuse.align(sents, arts), sents)
    (row,) = subs.itertuples()
    assert (row.text_a, row.text_b, row.op) == ("Government", "Regime", "replace")
    assert texts["a1"][row.start_a:row.end_a] == row.text_a and texts["b1"][row.start_b:row.end_b] == row.text_b


def test_substitution_summary_lowercases_and_orients_from_earlier_article():
    subs = pd.DataFrame([
        {"article_a": "a", "start_a": 0, "end_a": 10, "text_a": "Government", "article_b": "b", "start_b": 0,
         "end_b": 6, "text_b": "Regime", "op": "replace"},
        {"article_a": "c", "start_a": 0, "end_a": 6, "text_a": "regime", "article_b": "d", "start_b": 0,
         "end_b": 10, "text_b": "government", "op": "replace"},
    ])
    day = dt.date(2019, 8, 30)
    arts = pd.DataFrame({"article_id": list("abcd"), "outlet": ["W", "P", "Q", "W"],
                         "published": [day, day, day + dt.timedelta(1), day]})
    out = reuse.substitution_summary(subs, arts)
    assert out[["from_words", "to_words", "n", "n_pairs"]].values.tolist() == [["government", "regime", 2, 2]]
    assert out.loc[0, "to_outlets"] == "P; Q"


def test_credited_wires_read_attribution_lines_only():
    sents = pd.DataFrame([
        {"article_id": "a", "start": 0, "end": 12, "block_kind": "attribution", "text": "With Reuters"},
        {"article_id": "b", "start": 0, "end": 30, "block_kind": "body", "text": "A commander told Reuters so."},
        {"article_id": "c", "start": 5, "end": 25, "block_kind": "attribution", "text": "(AP) and a rap line"},
    ])
    got = reuse.credited_wires(sents)
    assert got[["article_id", "wire", "start", "end"]].values.tolist() == [["a", "Reuters", 5, 12], ["c", "AP", 6, 8]]


def test_side_by_side_escapes_article_text():
    evil = "<script>alert(1)</script> Government forces advanced on the last rebel stronghold in the north today."
    sents, arts, _ = _frames([("a1", "Wire", evil), ("b1", "Paper", evil.replace("Government", "Regime"))])
    pairs = reuse.align(sents, arts)
    html = views.side_by_side(pairs, reuse.substitutions_frame(pairs, sents), sents, "a1", "b1")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<mark class="replace"' in html


# --- seeds ---------------------------------------------------------------------------------------------------------

def test_seeds_2019_stories_share_many_sentences(seeds_reuse):
    pairs = seeds_reuse[0]
    for a, b in [(S001, S002), (S001, S003), (S002, S003)]:
        assert n_pairs(pairs, a, b) >= 5, (a, b)


def test_seeds_translated_article_aligns_partly(seeds_reuse):
    pairs, _, sentences, articles, _ = seeds_reuse
    for other in (S001, S002, S003):
        assert n_pairs(pairs, S000, other) >= 3
    share = reuse.wire_share(pairs, sentences, articles).set_index("article_id")["share"]
    assert 0.2 < share[S000] < min(share[S001], share[S002], share[S003])


def test_seeds_2020_story_aligns_with_nothing(seeds_reuse):
    pairs = seeds_reuse[0]
    assert not ((pairs["article_a"] == S004) | (pairs["article_b"] == S004)).any()


def test_seeds_substitution_government_to_regime_between_001_and_003(seeds_reuse):
    subs, texts = seeds_reuse[1], seeds_reuse[4]
    s = subs[(subs["article_a"] == S001) & (subs["article_b"] == S003) & (subs["op"] == "replace")]
    # Read off the texts: "by Syrian government forces in the Idlib de-escalation zone" (001) became
    # "by Syrian regime forces in the Idlib de-escalation zone" (003); "anti-government" became "anti-regime".
    start_a = texts[S001].index("Syrian government forces in the Idlib") + len("Syrian ")
    start_b = texts[S003].index("Syrian regime forces in the Idlib") + len("Syrian ")
    row = s[(s["start_a"] == start_a)]
    assert row[["end_a", "text_a", "start_b", "end_b", "text_b"]].values.tolist() == [
        [start_a + len("government"), "government", start_b, start_b + len("regime"), "regime"]]
    anti_a = texts[S001].index("anti-government") + len("anti-")
    anti_b = texts[S003].index("anti-regime") + len("anti-")
    anti = s[s["start_a"] == anti_a]
    assert anti[["text_a", "start_b", "text_b"]].values.tolist() == [["government", anti_b, "regime"]]


def test_seeds_substitution_armored_to_armoured_between_002_and_003(seeds_reuse):
    subs, texts = seeds_reuse[1], seeds_reuse[4]
    s = subs[(subs["article_a"] == S002) & (subs["article_b"] == S003)]
    start_a, start_b = texts[S002].index("Armored Division"), texts[S003].index("Armoured Division")
    assert s[s["start_a"] == start_a][["text_a", "start_b", "text_b", "op"]].values.tolist() == [
        ["Armored", start_b, "Armoured", "replace"]]


def test_seeds_every_substitution_offset_matches_its_text(seeds_reuse):
    subs, texts = seeds_reuse[1], seeds_reuse[4]
    assert len(subs) > 20
    for r in subs.itertuples():
        assert texts[r.article_a][r.start_a:r.end_a] == r.text_a
        assert texts[r.article_b][r.start_b:r.end_b] == r.text_b


def test_seeds_candidates_miss_no_pair_that_brute_force_finds(seeds_reuse):
    pairs, _, sentences, articles, _ = seeds_reuse
    s = reuse.reuse_sentences(sentences)
    src = {r.article_id: reuse.source_of(r.outlet, r.article_id) for r in articles.itertuples()}
    brute = {(a.article_id, a.start, b.article_id, b.start)
             for a, b in itertools.combinations(s.itertuples(), 2)
             if src[a.article_id] != src[b.article_id] and min(len(a.text.split()), len(b.text.split())) >= 6
             and reuse.similarity(a.text, b.text) > reuse.THRESHOLD}
    found = set(map(tuple, pairs[["article_a", "start_a", "article_b", "start_b"]].values.tolist()))
    assert brute and brute == found


def test_seeds_pairs_are_one_to_one(seeds_reuse):
    pairs = seeds_reuse[0]
    assert not pairs.duplicated(["article_a", "start_a", "article_b"]).any()
    assert not pairs.duplicated(["article_b", "start_b", "article_a"]).any()


def test_seeds_likely_source_is_the_credited_wire(seeds_reuse):
    pairs, _, sentences, articles, _ = seeds_reuse
    src = reuse.likely_source(pairs, sentences, articles).set_index("article_id")
    assert src.loc[[S000, S001, S002, S003], "story"].nunique() == 1
    assert set(src.loc[[S000, S001, S002, S003], "likely_source"]) == {"Reuters"}
    assert src.loc[S004, "story"] != src.loc[S001, "story"]
    assert "Reuters" in src.loc[S001, "credits"]


def test_write_reuse_tables_writes_both_tables_ordered(seeds_rules):
    from workbench.reuse_stream import write_reuse_tables_ooc

    paths = write_reuse_tables_ooc(seeds_rules)
    assert sorted(p.name for p in paths) == ["reuse_pairs.parquet", "substitutions.parquet"]
    pairs = read_table(seeds_rules, "reuse_pairs")
    assert list(pairs.columns) == ["article_a", "start_a", "end_a", "article_b", "start_b", "end_b", "similarity"]
    assert (pairs["article_a"] < pairs["article_b"]).all() and pairs["similarity"].between(reuse.THRESHOLD, 1).all()


# --- the synthetic corpus shared by the benchmarks ---------------------------------------------------------------

@pytest.fixture(scope="module")
def synth():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import synth as mod

    return mod


def test_synth_is_reproducible_and_prefix_stable(synth):
    small = list(synth.make_corpus(6, seed=3))
    assert small == list(synth.make_corpus(12, seed=3))[:6]
    assert small != list(synth.make_corpus(6, seed=4))


def test_synth_articles_are_about_600_words(synth):
    sizes = [len(r["text"].split()) for r in synth.make_corpus(40)]
    assert 450 < np.mean(sizes) < 750


def test_synth_stories_are_traced_and_kept_apart(synth, tmp_path):
    from workbench.annotate.pipeline import build_pipeline
    from workbench.annotate.run import annotate_articles
    from workbench.corpus import Article, parse_date

    recs = list(synth.make_corpus(40, seed=1))
    arts = [Article(id=r["id"], text=r["text"], source_path="-", outlet=r["outlet"],
                    published=parse_date(r["published"])) for r in recs]
    tables = annotate_articles(arts, build_pipeline("rules", components=()), tables=("sentences",)).tables
    pairs = reuse.align(pd.DataFrame(tables["sentences"]), pd.DataFrame(tables["articles"]))
    story = {r["id"]: r["story"] for r in recs}
    linked = {(a, b) for a, b in zip(pairs["article_a"], pairs["article_b"])}
    assert all(story[a] == story[b] for a, b in linked)
    assert len(linked) >= 40  # 10 stories of 4: up to 6 linked pairs each


def test_cli_reuse_writes_tables(seeds_rules, tmp_path, capsys):
    import shutil

    from workbench.cli import main

    for name in ("articles", "sentences"):
        shutil.copy(Path(seeds_rules) / f"{name}.parquet", tmp_path / f"{name}.parquet")
    assert main(["reuse", str(tmp_path)]) == 0
    assert "reuse_pairs.parquet" in capsys.readouterr().out
    assert len(read_table(tmp_path, "reuse_pairs")) > 20
