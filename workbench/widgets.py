"""Interactive explorers for notebooks. Each explorer's logic is a pure function from a filter state to tables
(tested without a browser); the widget only reads its controls into that state and shows the result in place.

Framing explorer, public API::

    ex = framing_explorer(mentions, articles)   # the `mentions` and `articles` tables
    ex                                          # shows it (last expression of a cell)
    ex.outlets / ex.actor / ex.terms / ex.block_kinds   # the controls (ipywidgets)
    ex.table                                    # HTML widget: <table class="wb-framing-table">
    ex.plot                                     # Image widget: PNG heatmap of the term shares
    ex.state() -> FramingFilter; ex.tables() -> FramingView; ex.refresh()

Controls (stable descriptions, for people and browser tests): "Outlets" (multi-select of source labels), "Actor"
(dropdown; "(all)" = every actor), "Terms" (multi-select), "Block kinds" (multi-select). An empty multi-selection
means "no filter".
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import ipywidgets as widgets
import pandas as pd

import json
from pathlib import Path

import numpy as np

from .framing import DEFAULT_PIVOT_TERMS, framing_table
from .sources import article_sources
from .stats import wilson_interval
from .html import esc
from .plots import figure_png, share_heatmap

FRAMING_TABLE_CLASS = "wb-framing-table"
ALL_ACTORS = "(all)"


def _assemble(controls: list[widgets.Widget], outputs: list[widgets.Widget], refresh) -> widgets.VBox:
    """Controls in a row above the outputs; any control change calls `refresh`, which runs once now -> the box."""
    for control in controls:
        control.observe(lambda _change: refresh(), names="value")
    refresh()
    return widgets.VBox([widgets.HBox(controls), *outputs])


@dataclass(frozen=True)
class FramingFilter:
    """What the framing explorer shows. Empty tuples and None mean "no filter"."""

    outlets: tuple[str, ...] = ()
    actor: str | None = None
    terms: tuple[str, ...] = ()
    block_kinds: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None


@dataclass(frozen=True)
class FramingView:
    """The explorer's tables: one row per outlet x chosen term (zeros included; the numbers the heatmap shows)
    and the outlet x term pivot of its shares."""

    framing: pd.DataFrame
    pivot: pd.DataFrame


CELL_COLUMNS = ["outlet", "actor", "term", "count", "total", "share", "share_low", "share_high"]


def cell_rows(table: pd.DataFrame, *, terms: Sequence[str], actor: str | None) -> pd.DataFrame:
    """`framing` rows + the chosen terms and actor (None: all actors pooled) -> one row per outlet x term, with
    count 0 where an outlet never uses a term: count, total (the outlet's designations of the actor, or of
    anyone), share and its 95% Wilson interval."""
    if table.empty:
        return pd.DataFrame(columns=CELL_COLUMNS)
    counts = table.groupby(["outlet", "term"], sort=True)["count"].sum()
    if actor is not None:
        totals = table.groupby("outlet", sort=True)["actor_total"].first()
    else:
        totals = table.groupby("outlet", sort=True)["count"].sum()
    grid = pd.MultiIndex.from_product([totals.index, list(terms)], names=["outlet", "term"])
    out = grid.to_frame(index=False)
    out["actor"] = actor or ALL_ACTORS
    out["count"] = counts.reindex(grid, fill_value=0).to_numpy().astype("int64")
    out["total"] = out["outlet"].map(totals).astype("int64")
    out["share"] = np.where(out["total"] > 0, out["count"] / out["total"].clip(lower=1), 0.0)
    low, high = wilson_interval(out["count"].to_numpy(float), out["total"].to_numpy(float))
    out["share_low"], out["share_high"] = low, high
    return out[CELL_COLUMNS]


def framing_view(mentions: pd.DataFrame, articles: pd.DataFrame, state: FramingFilter, *,
                 default_terms: Sequence[str] = DEFAULT_PIVOT_TERMS) -> FramingView:
    """The `mentions` and `articles` tables + a filter state -> the explorer's tables (pure).

    Shares are computed before the term filter, so a share stays a share of all the actor's designations.
    """
    table = framing_table(mentions, articles, outlets=state.outlets or None,
                          actors=[state.actor] if state.actor else None, block_kinds=state.block_kinds or None,
                          date_from=state.date_from, date_to=state.date_to)
    rows = cell_rows(table, terms=list(state.terms or default_terms), actor=state.actor)
    pivot = rows.pivot_table(index="outlet", columns="term", values="share", aggfunc="sum", sort=True)
    pivot = pivot.reindex(columns=list(state.terms or default_terms)) if len(rows) else pivot
    pivot.columns.name = "term"
    return FramingView(rows, pivot)


def table_html(df: pd.DataFrame, *, css_class: str = FRAMING_TABLE_CLASS, digits: int = 3,
               max_rows: int = 200) -> str:
    """A frame -> an HTML table with the given CSS class, every cell escaped, floats rounded."""
    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    body = []
    for row in df.head(max_rows).itertuples(index=False):
        cells = (f"{v:.{digits}f}" if isinstance(v, float) else v for v in row)
        body.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    more = f'<p class="{esc(css_class)}-more">{len(df) - max_rows} more rows</p>' if len(df) > max_rows else ""
    return (f'<table class="{esc(css_class)}" data-rows="{len(df)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{more}")


def _png_widget_size(fig, dpi: int) -> dict[str, str]:
    """The layout that shows a PNG at its natural size (never stretched, so never blurry or distorted)."""
    width_in = fig.get_size_inches()[0]
    return {"width": f"{int(width_in * 96)}px", "max_width": "100%", "height": "auto"}


@dataclass
class FramingExplorer:
    """The framing explorer's widgets and data; build it with `framing_explorer`."""

    mentions: pd.DataFrame
    articles: pd.DataFrame
    outlets: widgets.SelectMultiple
    actor: widgets.Dropdown
    terms: widgets.SelectMultiple
    block_kinds: widgets.SelectMultiple
    table: widgets.HTML
    plot: widgets.Image
    sentences: pd.DataFrame | None = None
    date_from: widgets.Text = field(default_factory=lambda: widgets.Text(description="From", placeholder="YYYY-MM-DD"))
    date_to: widgets.Text = field(default_factory=lambda: widgets.Text(description="To", placeholder="YYYY-MM-DD"))
    selected: widgets.HTML = field(default_factory=widgets.HTML)
    cell: widgets.Dropdown = field(default_factory=lambda: widgets.Dropdown(description="Cell",
                                                                             layout=widgets.Layout(width="auto")))
    drill: widgets.Output = field(default_factory=widgets.Output)
    export_to: widgets.Text = field(default_factory=lambda: widgets.Text(value="framing-export",
                                                                         description="Export to"))
    export_button: widgets.Button = field(default_factory=lambda: widgets.Button(description="Export"))
    status: widgets.HTML = field(default_factory=widgets.HTML)
    hits: pd.DataFrame = field(default_factory=pd.DataFrame)
    box: widgets.Box = field(init=False)

    def __post_init__(self) -> None:
        self.cell.observe(lambda _c: self.drill_down(), names="value")
        self.export_button.on_click(lambda _b: self.export(self.export_to.value))
        for control in (self.date_from, self.date_to):
            control.continuous_update = False
        self.box = _assemble([self.outlets, self.actor, self.terms, self.block_kinds], [], self.refresh)
        for control in (self.date_from, self.date_to):
            control.observe(lambda _c: self.refresh(), names="value")
        self.box.children = (self.box.children[0], widgets.HBox([self.date_from, self.date_to]), self.selected,
                             self.plot, self.table, widgets.HBox([self.export_to, self.export_button]), self.status,
                             widgets.HTML("<b>Sentences behind a cell</b> (the designations counted there)"),
                             self.cell, self.drill)

    def state(self) -> FramingFilter:
        """The controls' current values -> a FramingFilter."""
        actor = self.actor.value
        return FramingFilter(tuple(self.outlets.value), None if actor in (None, ALL_ACTORS) else actor,
                             tuple(self.terms.value), tuple(self.block_kinds.value),
                             self.date_from.value.strip() or None, self.date_to.value.strip() or None)

    def tables(self) -> FramingView:
        """The tables for the current controls."""
        return framing_view(self.mentions, self.articles, self.state())

    def refresh(self) -> None:
        """Recompute the tables from the controls and update the table, plot and cell list in place."""
        view = self.tables()
        st = self.state()
        self.selected.value = "<small>" + esc(" · ".join(
            f"{name}: {', '.join(vals) if vals else 'all'}" for name, vals in
            (("outlets", st.outlets), ("terms", st.terms or DEFAULT_PIVOT_TERMS), ("block kinds", st.block_kinds),
             ("dates", tuple(d for d in (st.date_from, st.date_to) if d))))) + "</small>"
        self.table.value = table_html(view.framing, max_rows=max(len(view.framing), 1))
        fig = share_heatmap(view.pivot, title=f"Share of {st.actor or 'all'} designations")
        self.plot.value = figure_png(fig, dpi=192)
        self.plot.layout = widgets.Layout(**_png_widget_size(fig, 192))
        labels = [(f"{r.outlet} · {r.term} ({r.count}/{r.total})", (r.outlet, r.term))
                  for r in view.framing.itertuples(index=False) if r.count > 0]
        self.cell.options = [("(choose a cell)", None), *labels]

    def drill_down(self, outlet: str | None = None, term: str | None = None) -> pd.DataFrame:
        """The designations behind a cell (given, or the one chosen in "Cell") under the current filters -> rows
        (also shown below the table, sortable by left/right context)."""
        from .drilldown import designation_hits
        from .notebook_support import show

        if outlet is None and term is None:
            if self.cell.value is None:
                return self.hits
            outlet, term = self.cell.value
        st = self.state()
        mentions = self.mentions
        if st.block_kinds and "block_kind" in mentions:
            mentions = mentions[mentions["block_kind"].isin(st.block_kinds)]
        self.hits = designation_hits(mentions, self.sentences, self.articles, outlet=outlet, actor=st.actor,
                                     term=term, date_from=st.date_from, date_to=st.date_to)
        # Set the widget's outputs directly: capturing (`with self.drill:`) breaks headless runs (nbclient).
        self.drill.outputs = ()
        self.drill.append_display_data(show(self.hits, caption=f"{outlet} · {st.actor or 'all actors'} · {term}"))
        return self.hits

    def export(self, folder: str | Path) -> list[Path]:
        """Write the table (CSV), the heatmap (PNG and SVG) and the drilled-down sentences (CSV) -> paths."""
        from .notebook_support import export

        folder = Path(folder)
        view = self.tables()
        fig = share_heatmap(view.pivot, title=f"Share of {self.state().actor or 'all'} designations")
        paths = [export(view.framing, folder / "framing.csv"), export(fig, folder / "heatmap.png"),
                 export(fig, folder / "heatmap.svg")]
        if len(self.hits):
            paths.append(export(self.hits, folder / "sentences.csv"))
        self.status.value = f"<small>exported {len(paths)} files: {esc(', '.join(p.name for p in paths))}</small>"
        return paths

    def save_state(self, path: str | Path) -> Path:
        """Write the controls' values (and the chosen cell) to a JSON file -> path."""
        path = Path(path)
        path.write_text(json.dumps({**self.state().__dict__, "cell": self.cell.value}, indent=1), encoding="utf-8")
        return path

    def load_state(self, path: str | Path) -> None:
        """Set the controls from a JSON file written by `save_state`."""
        st = json.loads(Path(path).read_text(encoding="utf-8"))
        self.outlets.value = tuple(o for o in st.get("outlets", ()) if o in self.outlets.options)
        self.actor.value = st.get("actor") or ALL_ACTORS
        self.terms.value = tuple(t for t in st.get("terms", ()) if t in self.terms.options)
        self.block_kinds.value = tuple(k for k in st.get("block_kinds", ()) if k in self.block_kinds.options)
        self.date_from.value, self.date_to.value = st.get("date_from") or "", st.get("date_to") or ""
        cell = tuple(st["cell"]) if st.get("cell") else None
        if cell in [v for _, v in self.cell.options]:
            self.cell.value = cell

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        # The box's own text repr embeds the PNG bytes; a short stable line keeps notebook outputs diffable.
        bundle["text/plain"] = (f"FramingExplorer(outlets={len(self.outlets.options)}, "
                                f"actors={len(self.actor.options) - 1}, terms={len(self.terms.options)})")
        return bundle


def framing_explorer(mentions: pd.DataFrame, articles: pd.DataFrame, *, terms: Sequence[str] | None = None,
                     sentences: pd.DataFrame | None = None) -> FramingExplorer:
    """The `mentions` and `articles` tables (and `sentences`, for the drill-down) -> a FramingExplorer (controls,
    table and plot updating in place; a cell's sentences; export; save/load state)."""
    outlets = sorted(article_sources(articles)["outlet"].unique())
    actors = sorted(mentions["actor"].dropna().unique())
    all_terms = sorted(set(mentions["term"].dropna()) | set(DEFAULT_PIVOT_TERMS))
    kinds = sorted(mentions["block_kind"].dropna().unique()) if "block_kind" in mentions else []
    layout = widgets.Layout(width="auto")
    return FramingExplorer(
        mentions=mentions, articles=articles, sentences=sentences,
        outlets=widgets.SelectMultiple(options=outlets, value=(), description="Outlets", rows=min(len(outlets), 8) or 1,
                                       layout=layout),
        actor=widgets.Dropdown(options=[ALL_ACTORS, *actors], value=ALL_ACTORS, description="Actor"),
        terms=widgets.SelectMultiple(options=all_terms, value=tuple(t for t in (terms or ()) if t in all_terms),
                                     description="Terms", rows=8, layout=layout),
        block_kinds=widgets.SelectMultiple(options=kinds, value=(), description="Block kinds", rows=3,
                                           layout=layout),
        table=widgets.HTML(), plot=widgets.Image(format="png"),
    )


# ------------------------------------------------------------------------------------------------------ timeline

TIMELINE_TABLE_CLASS = "wb-timeline-table"
CLAIMS_TABLE_CLASS = "wb-claims-table"


@dataclass(frozen=True)
class TimelineFilter:
    """What the timeline explorer shows. Empty tuples mean "no filter"."""

    sources: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    only_disagreements: bool = False


@dataclass(frozen=True)
class TimelineView:
    """The timeline explorer's tables: dated events and figure claims after the filter."""

    timeline: pd.DataFrame
    claims: pd.DataFrame


def timeline_view(timeline: pd.DataFrame, claims: pd.DataFrame, state: TimelineFilter) -> TimelineView:
    """The `timeline` and `figure_claims` tables + a filter state -> the explorer's tables (pure).

    Sources filter both tables by source label (`outlet`); figure groups and "only disagreements" filter the claims.
    """
    tl, cl = timeline, claims
    if state.sources:
        tl = tl[tl["outlet"].isin(state.sources)]
        cl = cl[cl["outlet"].isin(state.sources)]
    if state.groups:
        cl = cl[cl["claim_group"].isin(state.groups)]
    if state.only_disagreements:
        cl = cl[cl["disagrees"].astype(bool)]
    tl = tl.sort_values(["date", "outlet", "start"], kind="stable").reset_index(drop=True)
    cl = cl.sort_values(["claim_group", "value", "source"], kind="stable").reset_index(drop=True)
    return TimelineView(tl, cl)


@dataclass
class TimelineExplorer:
    """The timeline explorer's widgets and data; build it with `timeline_explorer`."""

    timeline: pd.DataFrame
    claims: pd.DataFrame
    sources: widgets.SelectMultiple
    groups: widgets.SelectMultiple
    only_disagreements: widgets.Checkbox
    events: widgets.HTML
    figures: widgets.HTML
    box: widgets.Box = field(init=False)

    def __post_init__(self) -> None:
        self.box = _assemble([self.sources, self.groups, self.only_disagreements], [self.figures, self.events],
                             self.refresh)

    def state(self) -> TimelineFilter:
        """The controls' current values -> a TimelineFilter."""
        return TimelineFilter(tuple(self.sources.value), tuple(self.groups.value), bool(self.only_disagreements.value))

    def tables(self) -> TimelineView:
        """The tables for the current controls."""
        return timeline_view(self.timeline, self.claims, self.state())

    def refresh(self) -> None:
        """Recompute the tables from the controls and update the HTML tables in place."""
        view = self.tables()
        self.figures.value = table_html(
            view.claims[["claim_group", "source", "qualifier", "value", "disagrees", "text"]],
            css_class=CLAIMS_TABLE_CLASS, digits=0)
        self.events.value = table_html(view.timeline[["date", "outlet", "text", "value", "mod"]],
                                       css_class=TIMELINE_TABLE_CLASS)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (f"TimelineExplorer(sources={len(self.sources.options)}, "
                                f"groups={len(self.groups.options)})")
        return bundle


def timeline_explorer(timeline: pd.DataFrame, claims: pd.DataFrame) -> TimelineExplorer:
    """The `timeline` and `figure_claims` tables -> a TimelineExplorer ("Sources", "Figure groups",
    "Only disagreements"; tables updating in place)."""
    sources = sorted(set(timeline["outlet"].dropna()) | set(claims["outlet"].dropna()))
    groups = sorted(claims["claim_group"].dropna().unique())
    layout = widgets.Layout(width="auto")
    return TimelineExplorer(
        timeline=timeline, claims=claims,
        sources=widgets.SelectMultiple(options=sources, value=(), description="Sources",
                                       rows=min(len(sources), 8) or 1, layout=layout),
        groups=widgets.SelectMultiple(options=groups, value=(), description="Figure groups",
                                      rows=min(len(groups), 8) or 1, layout=layout),
        only_disagreements=widgets.Checkbox(value=False, description="Only disagreements"),
        events=widgets.HTML(), figures=widgets.HTML(),
    )
