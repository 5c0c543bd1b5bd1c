"""Tests of workbench.framing_voice.all_vs_voice: all and one voice side by side."""
import pandas as pd

from workbench.framing_voice import all_vs_voice


def _row(outlet, term, actor, count, total, voice):
    return {"outlet": outlet, "actor": actor, "term": term, "count": count, "actor_total": total,
            "share": count / total, "share_low": 0.0, "share_high": 1.0, "voice": voice}


def test_all_and_own_side_by_side_with_zero_for_a_missing_voice():
    framing = pd.DataFrame([_row("a", "regime", "SYRIAN_STATE", 4, 8, "all"),
                            _row("b", "regime", "SYRIAN_STATE", 2, 4, "all"),
                            _row("a", "regime", "SYRIAN_STATE", 1, 5, "own"),
                            _row("a", "rebels", "ARMED_OPPOSITION", 3, 3, "all")])
    out = all_vs_voice(framing, [("regime", "SYRIAN_STATE")])
    assert list(out["outlet"]) == ["a", "b"]
    assert list(out["count_all"]) == [4, 2]
    assert list(out["count_own"]) == [1, 0]
    assert out.loc[0, "share_own"] == 0.2 and pd.isna(out.loc[1, "share_own"])


def test_the_first_analyze_of_a_fresh_folder_sees_the_reuse_pairs_it_just_wrote(tmp_path):
    """reuse and framing run in one transaction: framing must read the stage's reuse_pairs, not the published
    (absent) ones, or the syndicated voice depends on whether analyze ran before."""
    from workbench.annotate.write import annotate_corpus
    from workbench.cli import run_analyses
    from workbench.config import DATA_DIR, SEEDS_DIR
    from workbench.outdir import transaction
    from workbench.tables import read_table

    out = tmp_path / "out"
    annotate_corpus(SEEDS_DIR, out, meta=DATA_DIR / "metadata.csv", progress=False, corrections="none")
    runs = []
    for _ in range(2):
        with transaction(out, wait=True):
            run_analyses(out, ["framing", "reuse"])
        runs.append(read_table(out, "framing"))
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert (runs[0]["voice"] == "syndicated").any()
