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

from .framing import DEFAULT_PIVOT_TERMS, article_sources, framing_table, term_pivot
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


@dataclass(frozen=True)
class FramingView:
    """The explorer's tables: `framing` rows (filtered) and the outlet x term pivot of shares."""

    framing: pd.DataFrame
    pivot: pd.DataFrame


def framing_view(mentions: pd.DataFrame, articles: pd.DataFrame, state: FramingFilter, *,
                 default_terms: Sequence[str] = DEFAULT_PIVOT_TERMS) -> FramingView:
    """The `mentions` and `articles` tables + a filter state -> the explorer's tables (pure).

    Shares are computed before the term filter, so a share stays a share of all the actor's designations.
    """
    table = framing_table(mentions, articles, outlets=state.outlets or None,
                          actors=[state.actor] if state.actor else None, block_kinds=state.block_kinds or None)
    pivot = term_pivot(table, terms=list(state.terms or default_terms), actor=state.actor)
    if state.terms:
        table = table[table["term"].isin(state.terms)].reset_index(drop=True)
    return FramingView(table, pivot)


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
    box: widgets.Box = field(init=False)

    def __post_init__(self) -> None:
        self.box = _assemble([self.outlets, self.actor, self.terms, self.block_kinds], [self.plot, self.table],
                             self.refresh)

    def state(self) -> FramingFilter:
        """The controls' current values -> a FramingFilter."""
        actor = self.actor.value
        return FramingFilter(tuple(self.outlets.value), None if actor in (None, ALL_ACTORS) else actor,
                             tuple(self.terms.value), tuple(self.block_kinds.value))

    def tables(self) -> FramingView:
        """The tables for the current controls."""
        return framing_view(self.mentions, self.articles, self.state())

    def refresh(self) -> None:
        """Recompute the tables from the controls and update the table and plot widgets in place."""
        view = self.tables()
        self.table.value = table_html(view.framing)
        title = f"Share of {self.state().actor or 'all'} designations"
        self.plot.value = figure_png(share_heatmap(view.pivot, title=title))

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        # The box's own text repr embeds the PNG bytes; a short stable line keeps notebook outputs diffable.
        bundle["text/plain"] = (f"FramingExplorer(outlets={len(self.outlets.options)}, "
                                f"actors={len(self.actor.options) - 1}, terms={len(self.terms.options)})")
        return bundle


def framing_explorer(mentions: pd.DataFrame, articles: pd.DataFrame, *,
                     terms: Sequence[str] | None = None) -> FramingExplorer:
    """The `mentions` and `articles` tables -> a FramingExplorer (controls, table and plot updating in place)."""
    outlets = sorted(article_sources(articles)["outlet"].unique())
    actors = sorted(mentions["actor"].dropna().unique())
    all_terms = sorted(set(mentions["term"].dropna()) | set(DEFAULT_PIVOT_TERMS))
    kinds = sorted(mentions["block_kind"].dropna().unique()) if "block_kind" in mentions else []
    layout = widgets.Layout(width="auto")
    return FramingExplorer(
        mentions=mentions, articles=articles,
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
