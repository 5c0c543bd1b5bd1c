"""Voice of designations on a folder of annotation tables (not a timed test).

    .venv/bin/workbench annotate /work/shared/data/fakes-dev/corpus.csv --out /tmp/voice/fakes --pipeline rules
    .venv/bin/workbench reuse /tmp/voice/fakes
    .venv/bin/python benchmarks/bench_voice.py /tmp/voice/fakes [--sample 20 --seed 22]

FA-KES (Abu Salem et al. 2019, CC BY) is the development corpus this was measured on. Printed: per outlet the share
of each voice (after wire copy traced across outlets, `voice.apply_reuse`, when `reuse_pairs` exists); the share
of "regime" among SYRIAN_STATE designations and of "terrorists" among ARMED_OPPOSITION designations, `all` vs
`own`, with 95% Wilson intervals; with --sample, N random rows of each voice with their sentence, for reading by
hand.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from workbench.framing import article_sources, wilson_interval
from workbench.tables import read_table, table_path
from workbench.voice import VOICES, apply_reuse

CELLS = (("SYRIAN_STATE", "regime"), ("ARMED_OPPOSITION", "terrorists"))


def final_mentions(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mentions with their final voice and outlet, and the article sources."""
    articles = read_table(out, "articles")
    mentions = read_table(out, "mentions")
    if table_path(out, "reuse_pairs").exists():
        mentions = apply_reuse(mentions, read_table(out, "reuse_pairs"), articles)
    sources = article_sources(articles)
    return mentions.merge(sources[["article_id", "outlet"]], on="article_id"), sources


def voice_table(m: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: designations and the share of each voice."""
    t = pd.crosstab(m["outlet"], m["voice"]).reindex(columns=list(VOICES), fill_value=0)
    shares = t.div(t.sum(axis=1), axis=0).round(3)
    shares.insert(0, "n", t.sum(axis=1))
    return shares


def cell_shares(m: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and cell: count / actor total with Wilson interval, for all designations and own-voice ones."""
    rows = []
    for actor, term in CELLS:
        for voice_name, sub in (("all", m), ("own", m[m["voice"] == "own"])):
            a = sub[sub["actor"] == actor]
            tot = a.groupby("outlet").size()
            hit = a[a["term"] == term].groupby("outlet").size().reindex(tot.index, fill_value=0)
            lo, hi = wilson_interval(hit.to_numpy(), tot.to_numpy())
            for o, k, n, l_, h_ in zip(tot.index, hit, tot, lo, hi):
                rows.append({"cell": f"{term}/{actor}", "outlet": o, "voice": voice_name, "count": int(k),
                             "total": int(n), "share": round(k / n, 3), "low": round(l_, 3), "high": round(h_, 3)})
    df = pd.DataFrame(rows)
    wide = df.pivot_table(index=["cell", "outlet"], columns="voice",
                          values=["count", "total", "share", "low", "high"], aggfunc="first")
    wide.columns = [f"{v}_{c}" for c, v in wide.columns]
    cols = [f"{v}_{c}" for v in ("all", "own") for c in ("count", "total", "share", "low", "high")]
    return wide.reindex(columns=cols)


def sample(m: pd.DataFrame, out: Path, n: int, seed: int) -> None:
    """Print n random rows of each voice with their sentence, the designation in [brackets]."""
    sents = read_table(out, "sentences")
    s = sents.set_index(["article_id", "start"])["text"]
    for v in VOICES:
        rows = m[m["voice"] == v]
        rows = rows.sample(min(n, len(rows)), random_state=seed)
        print(f"\n### {v} ({len(rows)} of {int((m['voice'] == v).sum())})")
        for i, r in enumerate(rows.itertuples(), 1):
            text = s.get((r.article_id, r.sent_start), "")
            a, b = r.start - r.sent_start, r.end - r.sent_start
            marked = f"{text[:a]}[{text[a:b]}]{text[b:]}" if text else ""
            print(f"{v}-{i:02d} {r.article_id} speaker={r.voice_speaker!s} | {' '.join(marked.split())[:400]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=22)
    args = ap.parse_args()
    m, _ = final_mentions(args.out)
    with pd.option_context("display.width", 250, "display.max_rows", 200, "display.max_columns", 30):
        print("## Voice shares per outlet\n")
        print(voice_table(m).to_string())
        print("\n## all vs own shares (95% Wilson)\n")
        print(cell_shares(m).to_string())
    if args.sample:
        sample(m, args.out, args.sample, args.seed)


if __name__ == "__main__":
    main()
