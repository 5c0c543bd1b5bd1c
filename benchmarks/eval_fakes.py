"""Accuracy on FA-KES (real Syrian-war news; CC BY, Abu Salem et al., ICWSM 2019, doi:10.5281/zenodo.2607278).

Usage: python benchmarks/eval_fakes.py DIR [--fakes ../shared/data/fakes-dev] [--judged data/judged/FILE.csv]
       [--misses] [--years] [--disagreements N]

DIR holds the tables of `workbench annotate <fakes>/corpus.csv --out DIR` (and `workbench timeline DIR` for the
disagreements). Prints:
- toll found: share of articles with a crowd casualty label (nb_civilians or nb_civilians + nb_noncivilians > 0)
  whose labelled toll (total or civilians) is the value of one of the article's killed-type figures, with its
  95% Wilson interval (`--misses` lists the articles where it is not);
- year-valued figures: figures whose value is a plausible year (1900-2100) written as four digits;
- designation precision per actor from a judged sheet (`--judged`: a `workbench sample` sheet with `judgement`
  correct/wrong), unweighted, with 95% Wilson intervals (`workbench validity` weights strata by size);
- the top N flagged disagreements (`--disagreements N`): groups ranked by how many sources take part.
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from workbench.tables import read_table

DEFAULT_FAKES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fakes-dev"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of k successes in n trials -> (low, high)."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def killed_type(what: str) -> bool:
    """Whether a figure's `what` counts deaths (killed, civilians_killed, killed_or_wounded, ...)."""
    return "killed" in str(what)


def toll_found(figures: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Per labelled article: the labelled tolls, the killed-type values found, and whether one toll is among them."""
    lab = labels.copy()
    lab["total"] = lab["nb_civilians"].fillna(0) + lab["nb_noncivilians"].fillna(0)
    lab["civ"] = lab["nb_civilians"].fillna(0)
    lab = lab[lab["total"] > 0]
    killed = figures[figures["what"].map(killed_type)]
    vals = killed.groupby("article_id")["value"].apply(lambda s: sorted(set(float(v) for v in s)))
    rows = []
    # An id may carry several label rows (the dataset repeats some articles): any of them counts.
    for aid, grp in lab.groupby("article_id"):
        tolls = sorted({float(v) for v in grp["total"]} | {float(v) for v in grp["civ"] if v > 0})
        found = vals.get(aid, [])
        rows.append({"article_id": aid, "tolls": tolls, "found": found, "ok": bool(set(tolls) & set(found))})
    return pd.DataFrame(rows)


def main() -> None:
    """Print the measures described in the module doc."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--fakes", default=str(DEFAULT_FAKES))
    ap.add_argument("--judged", help="judged mentions sheet (workbench sample layout: actor, judgement columns)")
    ap.add_argument("--misses", action="store_true", help="list articles whose labelled toll was not found")
    ap.add_argument("--years", action="store_true", help="list year-valued figures")
    ap.add_argument("--disagreements", type=int, default=0, help="print the top N disagreement groups")
    args = ap.parse_args()
    figures = read_table(args.dir, "figures")
    articles = read_table(args.dir, "articles")
    labels = pd.read_csv(Path(args.fakes) / "labels.csv")
    labels = labels[labels["article_id"].isin(set(articles["article_id"]))]
    res = toll_found(figures, labels)
    k, n = int(res["ok"].sum()), len(res)
    lo, hi = wilson(k, n)
    print(f"toll found: {k}/{n} = {k / n:.3f} (95% Wilson {lo:.3f}-{hi:.3f}) of labelled articles")
    blocks = read_table(args.dir, "blocks")
    with_body = set(blocks.loc[blocks["kind"] == "body", "article_id"])
    sub = res[res["article_id"].isin(with_body)]
    k, n = int(sub["ok"].sum()), len(sub)
    lo, hi = wilson(k, n)
    print(f"toll found where the article has a body block: {k}/{n} = {k / n:.3f} (95% Wilson {lo:.3f}-{hi:.3f})")
    if args.misses:
        for r in res[~res["ok"]].itertuples():
            print(f"  miss {r.article_id}: labelled {r.tolls} found {r.found}")
    digits = figures["text"].astype(str).str.contains(r"(?<!\d)(?:19|20)\d\d(?!\d)", regex=True)
    years = figures[digits & figures["value"].between(1900, 2100)]
    print(f"year-valued figures: {len(years)} of {len(figures)} figures")
    if args.years:
        for r in years.itertuples():
            print(f"  {r.article_id} {r.text!r} {r.what}")
    if args.judged:
        sheet = pd.read_csv(args.judged)
        sheet = sheet[sheet["judgement"].isin(["correct", "wrong"])].assign(
            correct=lambda d: (d["judgement"] == "correct").astype(int))
        print(f"designation precision, judged sample of {len(sheet)} mention rows ({args.judged}):")
        for actor, grp in [("ALL", sheet), *sorted(sheet.groupby("actor"))]:
            k, n = int(grp["correct"].sum()), len(grp)
            lo, hi = wilson(k, n)
            print(f"  {actor:18s} {k:4d}/{n:<4d} = {k / n:.3f}  (95% Wilson {lo:.3f}-{hi:.3f})")
    if args.disagreements:
        from workbench.timeline import disagreements, ranked_disagreements
        claims = read_table(args.dir, "figure_claims")
        top = ranked_disagreements(claims).head(args.disagreements)
        rows = disagreements(claims)
        print(f"flagged disagreement groups: {claims.loc[claims['disagrees'].astype(bool), 'claim_group'].nunique()}"
              f" ({int(claims['disagrees'].astype(bool).sum())} claims); top {len(top)}:")
        for g in top.itertuples():
            print(f"- {g.claim_group} ({g.n_sources} sources)")
            for r in rows[rows["claim_group"] == g.claim_group].itertuples():
                print(f"    {r.value:>10g}  {r.source}  {r.article_id}@{r.start}  {r.text!r}")


if __name__ == "__main__":
    main()
