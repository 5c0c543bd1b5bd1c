"""Make loss visible: articles and outlets whose text was mostly not typed as the article's own reporting.

A line typed caption, boilerplate or comment is never counted (no designations, no figures come from it). An article
with no headline or body block, or an outlet with a large share of its characters typed caption, usually means the
block typing failed on that source, not that its articles hold no reporting; the annotate summary and notebook 01
flag them.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .blocks import CONTENT_KINDS

if TYPE_CHECKING:
    from .tables import Summary

CAPTION_SHARE_MAX = 0.4  # an outlet with more of its characters typed caption than this is flagged


def content_shares(articles: pd.DataFrame, blocks: pd.DataFrame) -> pd.DataFrame:
    """Per article: outlet, characters in blocks, content share (headline + body + subheading characters over all
    block characters), caption share, and whether it has a headline or body block -> DataFrame."""
    b = blocks.assign(chars=blocks["end"] - blocks["start"])
    b["content"] = b["chars"].where(b["kind"].isin(CONTENT_KINDS), 0)
    b["caption"] = b["chars"].where(b["kind"] == "caption", 0)
    b["headline_or_body"] = b["kind"].isin(("headline", "body"))
    per = b.groupby("article_id").agg(chars=("chars", "sum"), content=("content", "sum"), caption=("caption", "sum"),
                                      headline_or_body=("headline_or_body", "any"))
    out = articles[["article_id", "outlet"]].merge(per, left_on="article_id", right_index=True, how="left")
    out[["chars", "content", "caption"]] = out[["chars", "content", "caption"]].fillna(0).astype("int64")
    out["headline_or_body"] = out["headline_or_body"].fillna(False).astype(bool)
    out["outlet"] = out["outlet"].fillna("(no outlet)")
    denom = out["chars"].where(out["chars"] > 0)
    out["content_share"] = (out["content"] / denom).fillna(0.0)
    out["caption_share"] = (out["caption"] / denom).fillna(0.0)
    return out.sort_values("article_id").reset_index(drop=True)


def loss_flags(articles: pd.DataFrame, blocks: pd.DataFrame, *,
               caption_share_max: float = CAPTION_SHARE_MAX) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(articles with no headline or body block, outlets with more than `caption_share_max` of their characters
    typed caption), each with its shares -> two DataFrames sorted by id / outlet."""
    per = content_shares(articles, blocks)
    bad_articles = per[~per["headline_or_body"]].drop(columns=["headline_or_body"]).reset_index(drop=True)
    outlets = per.groupby("outlet").agg(articles=("article_id", "size"), chars=("chars", "sum"),
                                        content=("content", "sum"), caption=("caption", "sum"),
                                        no_headline_or_body=("headline_or_body", lambda s: int((~s).sum())))
    denom = outlets["chars"].where(outlets["chars"] > 0)
    outlets["content_share"] = (outlets["content"] / denom).fillna(0.0)
    outlets["caption_share"] = (outlets["caption"] / denom).fillna(0.0)
    bad_outlets = outlets[outlets["caption_share"] > caption_share_max].reset_index()
    return bad_articles, bad_outlets.sort_values("outlet").reset_index(drop=True)


def loss_warnings(articles: pd.DataFrame, blocks: pd.DataFrame, *, show: int = 5) -> list[str]:
    """Lines for the annotate summary naming flagged articles and outlets (empty when nothing is flagged)."""
    bad_articles, bad_outlets = loss_flags(articles, blocks)
    lines = []
    if len(bad_articles):
        ids = ", ".join(bad_articles["article_id"].head(show)) + (", ..." if len(bad_articles) > show else "")
        lines.append(f"warning: {len(bad_articles)} article(s) have no headline or body block, so nothing in them is "
                     f"counted: {ids}")
    for row in bad_outlets.itertuples(index=False):
        lines.append(f"warning: outlet {row.outlet}: {row.caption_share:.0%} of its characters typed caption "
                     f"(content share {row.content_share:.0%})")
    return lines


def loss_warnings_for(out: str | Path) -> list[str]:
    """`loss_warnings` on the articles and blocks tables written in `out`."""
    from .tables import read_table

    return loss_warnings(read_table(out, "articles"), read_table(out, "blocks"))


def with_loss_warnings(summary: Summary) -> Summary:
    """Fill a published run's `Summary.warnings` from the tables it wrote -> the same Summary."""
    if summary.published and summary.n_articles:
        summary.warnings = loss_warnings_for(summary.out)
    return summary
