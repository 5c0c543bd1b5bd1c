"""plots.py: figures from frames, returned as Figure objects, same frames -> same PNG bytes."""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from workbench import plots


def _framing() -> pd.DataFrame:
    return pd.DataFrame({
        "outlet": ["A", "A", "B"], "actor": ["SYRIAN_STATE"] * 3, "term": ["regime", "army", "government"],
        "count": [3, 1, 2], "actor_total": [4, 4, 2], "share": [0.75, 0.25, 1.0],
        "share_low": [0.3, 0.05, 0.34], "share_high": [0.95, 0.7, 1.0], "per_1k_words": [3.0, 1.0, 4.0]})


def _pivot() -> pd.DataFrame:
    return pd.DataFrame({"regime": [0.75, 0.0], "government": [0.0, 1.0]}, index=pd.Index(["A", "B"], name="outlet"))


def _distinctive() -> pd.DataFrame:
    return pd.DataFrame({"outlet": ["A", "A", "B", "B"], "term": ["regime", "army", "government", "army"],
                         "count": [3, 1, 2, 2], "count_rest": [0, 2, 0, 1], "log_odds": [1.0, -0.5, 0.9, 0.2],
                         "z": [2.1, -0.7, 1.5, 0.3], "kind": ["lemma"] * 4, "other": ["rest"] * 4})


def test_heatmap_is_figure_with_cell_labels():
    fig = plots.share_heatmap(_pivot())
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["0.75", "0.00", "0.00", "1.00"]


def test_heatmap_axes_name_outlets_and_terms():
    ax = plots.share_heatmap(_pivot()).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["regime", "government"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]


def test_heatmap_empty_pivot_does_not_fail():
    assert isinstance(plots.share_heatmap(pd.DataFrame()), Figure)


def test_intervals_one_panel_per_term():
    fig = plots.share_intervals(_framing(), actor="SYRIAN_STATE", terms=["regime", "government"])
    assert [ax.get_title() for ax in fig.axes] == ["regime", "government"]


def test_intervals_whiskers_are_wilson_bounds():
    fig = plots.share_intervals(_framing(), actor="SYRIAN_STATE", terms=["regime"])
    segments = fig.axes[0].collections[0].get_segments()
    (x0, _), (x1, _) = segments[0]
    assert (x0, x1) == (0.3, 0.95)


def test_distinctive_plot_panel_per_outlet_sorted_by_z():
    fig = plots.distinctive_plot(_distinctive(), top=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["A", "B"]
    # barh draws bottom-up: the top term is the last tick label
    assert [t.get_text() for t in visible[0].get_yticklabels()] == ["army (1)", "regime (3)"]


def test_png_bytes_deterministic():
    assert plots.figure_png(plots.share_heatmap(_pivot())) == plots.figure_png(plots.share_heatmap(_pivot()))


def test_save_figure_writes_explicit_path(tmp_path):
    path = plots.save_figure(plots.distinctive_plot(_distinctive()), tmp_path / "sub" / "d.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


DOLLARS = r"$\x$"  # an outlet name that is invalid mathtext: rendering it as math raises ValueError


def test_user_strings_are_never_parsed_as_mathtext():
    import datetime as dt

    def rename(df: pd.DataFrame, col: str) -> pd.DataFrame:
        return df.assign(**{col: df[col].replace({"A": DOLLARS, "regime": "$5 $ regime"})})

    pivot = _pivot().rename(index={"A": DOLLARS}, columns={"regime": "$a$"})
    day = dt.date(2019, 8, 30)
    timeline = pd.DataFrame({"outlet": [DOLLARS], "date": [day], "published": [day], "text": ["$on $Friday"],
                             "type": ["DATE"], "start": [0]})
    claims = pd.DataFrame({"claim_group": ["$killed$"], "source": [DOLLARS], "value": [12.0], "qualifier": ["$"],
                           "vague": [False], "disagrees": [False], "start": [0]})
    figures = [plots.share_heatmap(pivot), plots.share_intervals(rename(rename(_framing(), "outlet"), "term"),
                                                                 actor="SYRIAN_STATE"),
               plots.distinctive_plot(rename(rename(_distinctive(), "outlet"), "term")),
               plots.timeline_lanes(timeline), plots.figure_claims_dots(claims)]
    for fig in figures:
        assert plots.figure_png(fig)[:4] == b"\x89PNG"  # drawing parses every text: mathtext would raise here
        texts = [t.get_text() for ax in fig.axes for t in [*ax.get_yticklabels(), *ax.get_xticklabels(), ax.title]]
        assert any(r"\$" in t for t in texts)
        assert not any("$" in t.replace(r"\$", "") for t in texts)
    assert plots.plain(DOLLARS) == r"\$\x\$"
