"""Figures from the analysis tables. Each function takes tidy frames, computes no statistics, and returns a
matplotlib Figure built without pyplot (no global state, no backend needed), so the same frames give the same image.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

CMAP = "Blues"
TERM_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def plain(label: object) -> str:
    """Text from the data -> text matplotlib shows as typed: an outlet named '$\\x$' must not be parsed as mathtext
    (an error, or a formula) -> string with every '$' escaped."""
    return str(label).replace("$", r"\$")


def _short(label: str, width: int = 28) -> str:
    return plain(label if len(label) <= width else label[: width - 1] + "…")


def share_heatmap(pivot: pd.DataFrame, *, title: str = "Share of designations", fmt: str = "{:.2f}",
                  vmax: float | None = 1.0) -> Figure:
    """An outlet x term wide frame (e.g. `framing.term_pivot(...)`) -> heatmap Figure with each cell's value."""
    n_rows, n_cols = max(len(pivot.index), 1), max(len(pivot.columns), 1)
    fig = Figure(figsize=(1.2 + 1.0 * n_cols + 2.2, 1.2 + 0.45 * n_rows), layout="constrained")
    ax = fig.add_subplot()
    values = pivot.to_numpy(dtype=float) if pivot.size else np.zeros((0, 0))
    image = ax.imshow(values if values.size else np.zeros((1, 1)), cmap=CMAP, vmin=0.0,
                      vmax=vmax if vmax is not None else (np.nanmax(values) if values.size else 1.0), aspect="auto")
    ax.set_xticks(range(len(pivot.columns)), [plain(c) for c in pivot.columns], rotation=45, ha="right")
    ax.set_yticks(range(len(pivot.index)), [_short(str(i)) for i in pivot.index])
    limit = image.norm.vmax or 1.0
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                color="white" if v > 0.6 * limit else "black")
    ax.set_title(plain(title))
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def share_intervals(framing: pd.DataFrame, *, actor: str, terms: Sequence[str] | None = None,
                    title: str | None = None) -> Figure:
    """`framing` rows + an actor (+ terms, default all its terms) -> dot-and-whisker Figure: share of the actor's
    designations per outlet with the 95% Wilson interval, one panel per term."""
    rows = framing[framing["actor"] == actor]
    terms = list(terms) if terms is not None else sorted(rows["term"].unique())
    outlets = sorted(rows["outlet"].unique())
    fig = Figure(figsize=(2.4 * max(len(terms), 1) + 2.4, 1.0 + 0.4 * max(len(outlets), 1)), layout="constrained")
    axes = fig.subplots(1, max(len(terms), 1), sharey=True, squeeze=False)[0]
    y = {o: i for i, o in enumerate(outlets)}
    for k, (ax, term) in enumerate(zip(axes, terms)):
        sub = rows[rows["term"] == term].sort_values("outlet")
        ys = [y[o] for o in sub["outlet"]]
        err = np.clip(np.vstack([sub["share"] - sub["share_low"], sub["share_high"] - sub["share"]]), 0, None)
        ax.errorbar(sub["share"], ys, xerr=err, fmt="o", color=TERM_COLOURS[k % len(TERM_COLOURS)], capsize=3)
        ax.set_xlim(0, 1)
        ax.set_title(plain(term))
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(len(outlets)), [_short(o) for o in outlets])
    axes[0].set_ylim(-0.5, len(outlets) - 0.5)
    fig.suptitle(plain(title) if title else f"Share of {plain(actor)} designations (95% Wilson interval)")
    return fig


def distinctive_plot(distinctive: pd.DataFrame, *, kind: str = "lemma", top: int = 8,
                     outlets: Sequence[str] | None = None, title: str | None = None) -> Figure:
    """`distinctive_terms` rows -> Figure with one panel per outlet: its `top` terms by z (log-odds, informative
    Dirichlet prior), bars labelled with the outlet's count."""
    rows = distinctive[distinctive["kind"] == kind]
    outlets = list(outlets) if outlets is not None else sorted(rows["outlet"].unique())
    fig = Figure(figsize=(4.2 * max(min(len(outlets), 3), 1),
                          (0.9 + 0.28 * top) * max(int(np.ceil(len(outlets) / 3)), 1)), layout="constrained")
    n_cols = max(min(len(outlets), 3), 1)
    n_rows = max(int(np.ceil(len(outlets) / 3)), 1)
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax, outlet in zip(axes, outlets):
        sub = rows[rows["outlet"] == outlet].sort_values(["z", "term"], ascending=[False, True]).head(top)
        sub = sub.iloc[::-1]
        ax.barh(range(len(sub)), sub["z"], color="#4c72b0")
        ax.set_yticks(range(len(sub)), [plain(f"{t} ({c})") for t, c in zip(sub["term"], sub["count"])], fontsize=8)
        ax.axvline(1.96, color="grey", lw=0.8, ls="--")
        ax.set_title(_short(outlet, 34), fontsize=9)
        ax.set_xlabel("z")
    for ax in axes[len(outlets):]:
        ax.set_visible(False)
    fig.suptitle(plain(title) if title else f"Distinctive {kind}s, each outlet vs the rest (Monroe et al. 2008)")
    return fig


def figure_png(fig: Figure, *, dpi: int = 80) -> bytes:
    """A Figure -> PNG bytes without the software-version metadata (same figure, same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 100) -> Path:
    """Write a Figure to an explicit path (format from the suffix) -> the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"Software": None} if path.suffix.lower() == ".png" else None
    fig.savefig(path, dpi=dpi, metadata=meta)
    return path


# ------------------------------------------------------------------------------------------------------ timeline

QUALIFIER_MARKERS = {"at least": ">", "more than": ">", "over": ">", "nearly": "<", "almost": "<", "about": "D"}


def timeline_lanes(timeline: pd.DataFrame, *, start=None, end=None, title: str = "Dated events by source",
                   label: bool = True) -> Figure:
    """`timeline` rows (outlet, date, published, text, type) -> Figure: one lane per source on one time axis, a dot
    per dated expression (TIME rows filled, DATE rows hollow) and a red bar at each article's publication date.

    `start`/`end` (dates) crop the axis; by default it spans 45 days before the first publication to 7 days after
    the last, so a "since 2011" does not squeeze the days that matter.
    """
    import datetime as dt

    rows = timeline.dropna(subset=["date"])
    pubs = sorted(p for p in timeline["published"].dropna().unique()) if "published" in timeline else []
    if start is None and pubs:
        start = min(pubs) - dt.timedelta(days=45)
    if end is None and pubs:
        end = max(pubs) + dt.timedelta(days=7)
    if start is not None:
        rows = rows[rows["date"] >= start]
    if end is not None:
        rows = rows[rows["date"] <= end]
    sources = sorted(timeline["outlet"].unique())
    fig = Figure(figsize=(10, 1.0 + 0.55 * max(len(sources), 1)), layout="constrained")
    ax = fig.add_subplot()
    lane = {s: i for i, s in enumerate(sources)}
    for typ, face in (("DATE", "none"), ("TIME", "#1f77b4")):
        sub = rows[rows["type"] == typ]
        ax.scatter(list(sub["date"]), [lane[s] for s in sub["outlet"]], marker="o", s=36, facecolors=face,
                   edgecolors="#1f77b4", label=typ.lower(), zorder=3)
    if label:
        for r in rows.sort_values(["outlet", "date", "start"]).drop_duplicates(["outlet", "date"]).itertuples():
            ax.annotate(_short(str(r.text), 22), (r.date, lane[r.outlet]), xytext=(0, 6), textcoords="offset points",
                        fontsize=6, rotation=25, ha="left")
    marked = timeline.dropna(subset=["published"]).drop_duplicates(["outlet", "published"])
    ax.scatter(list(marked["published"]), [lane[s] for s in marked["outlet"]], marker="|", s=300, color="#d62728",
               label="published", zorder=4)
    ax.set_yticks(range(len(sources)), [_short(s, 34) for s in sources])
    ax.set_ylim(-0.6, len(sources) - 0.2)
    if start is not None and end is not None:
        ax.set_xlim(start, end)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    ax.set_title(plain(title))
    fig.autofmt_xdate()
    return fig


def figure_claims_dots(claims: pd.DataFrame, *, groups: Sequence[str] | None = None,
                       title: str = "Figures by source") -> Figure:
    """`figure_claims` rows (claim_group, source, value, qualifier, vague, disagrees) -> Figure: one panel per
    claim group, a dot per source's figure (red when sources disagree, hollow when vague), its qualifier written
    beside it ("over 550")."""
    groups = list(groups) if groups is not None else sorted(claims["claim_group"].unique())
    fig = Figure(figsize=(8, 0.9 + sum(0.35 * max(claims[claims["claim_group"] == g]["source"].nunique(), 1) + 0.6
                                       for g in groups)), layout="constrained")
    heights = [max(claims[claims["claim_group"] == g]["source"].nunique(), 1) + 1 for g in groups] or [1]
    axes = fig.subplots(max(len(groups), 1), 1, squeeze=False, gridspec_kw={"height_ratios": heights}).ravel()
    for ax, group in zip(axes, groups):
        sub = claims[claims["claim_group"] == group].sort_values(["source", "value", "start"])
        sources = sorted(sub["source"].unique())
        y = {s: i for i, s in enumerate(sources)}
        for r in sub.itertuples():
            colour = "#d62728" if r.disagrees else "#1f77b4"
            ax.scatter([r.value], [y[r.source]], marker=QUALIFIER_MARKERS.get(str(r.qualifier), "o"), s=50,
                       facecolors="none" if r.vague else colour, edgecolors=colour, zorder=3)
            qual = "" if r.qualifier is None or (isinstance(r.qualifier, float) and np.isnan(r.qualifier)) else \
                f"{r.qualifier} "
            text = qual.strip() if r.vague and qual else f"{qual}{r.value:,.0f}"
            ax.annotate(plain(text), (r.value, y[r.source]), xytext=(6, 3), textcoords="offset points",
                        fontsize=7)
        ax.set_yticks(range(len(sources)), [_short(s, 40) for s in sources], fontsize=7)
        ax.set_ylim(-0.7, len(sources) - 0.3)
        values = sub["value"].astype(float)
        if len(values) and values.min() > 0 and values.max() / values.min() > 20:
            ax.set_xscale("log")
        elif len(values):
            lo, hi = values.min(), values.max()
            pad = (hi - lo) * 0.25 or max(abs(hi) * 0.25, 1.0)
            ax.set_xlim(lo - pad, hi + pad * 2)
        ax.set_title(plain(group), fontsize=9, loc="left")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(plain(title))
    return fig
