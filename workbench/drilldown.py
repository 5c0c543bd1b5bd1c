"""From a number to the sentences behind it: a framing row, a heatmap cell or a distinctive designation term ->
the designation mentions that were counted, in context; and a researcher's own word or phrase in context.

Designations are read from the `mentions` table (what was counted), never matched in the text, so "anti-regime"
never counts for "regime". Every row names its article, outlet, publication date and offsets; `left_word` and
`right_word` (the words next to the keyword) let an interactive table sort by left or right context.

    hits = designation_hits(mentions, sentences, articles, outlet="sana", actor="SYRIAN_STATE", term="regime")
    show(hits)                                    # paged, searchable, sortable; CSV button
    ex = drilldown_explorer(mentions, sentences, articles); ex.select(outlet=..., actor=..., term=...)
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from .sources import UNKNOWN_PREFIX, article_sources
from .kwic import kwic

HIT_COLUMNS = ["outlet", "published", "article_id", "start", "end", "left_word", "left", "keyword", "right",
               "right_word"]
ALL = "(all)"
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def _edge_words(hits: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """KWIC rows -> the same rows with the publication date and the words next to the keyword, in HIT_COLUMNS."""
    if hits.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else object) for c in HIT_COLUMNS})
    published = dict(zip(articles["article_id"], articles["published"].astype(str).replace({"None": "", "NaT": ""})))
    left_words = [(_WORD.findall(s) or [""])[-1].lower() for s in hits["left"]]
    right_words = [(_WORD.findall(s) or [""])[0].lower() for s in hits["right"]]
    out = hits.assign(published=hits["article_id"].map(published).fillna(""), left_word=left_words,
                      right_word=right_words)
    return out[HIT_COLUMNS].reset_index(drop=True)


def designation_hits(mentions: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame, *,
                     outlet: str | None = None, actor: str | None = None, term: str | None = None,
                     block_kinds: Iterable[str] | None = None, date_from: str | None = None,
                     date_to: str | None = None, window: int = 60) -> pd.DataFrame:
    """The designation mentions behind one framing cell (outlet x actor x term; None = any) -> KWIC rows.

    The rows are exactly the mentions `framing_table` counts for that cell with the same filters.

    Returns:
        DataFrame with HIT_COLUMNS, sorted by outlet, published, article_id, start.
    """
    sel = mentions
    if date_from is not None or date_to is not None:
        dates = pd.to_datetime(articles["published"], errors="coerce").dt.date.astype(str)
        keep = pd.Series(True, index=articles.index)
        if date_from is not None:
            keep &= dates >= str(date_from)
        if date_to is not None:
            keep &= dates <= str(date_to)
        sel = sel[sel["article_id"].isin(articles.loc[keep, "article_id"])]
    if term is None and actor is None:  # kwic needs one of them; every designation is "any actor"
        sel = sel[sel["actor"].notna()]
        hits = pd.concat([kwic(sentences, articles, mentions=sel, actor=a, outlets=[outlet] if outlet else None,
                               block_kinds=block_kinds, window=window) for a in sorted(sel["actor"].unique())],
                         ignore_index=True) if len(sel) else kwic(sentences, articles, "(?!x)x", regex=True)
    else:
        hits = kwic(sentences, articles, mentions=sel, term=term, actor=actor,
                    outlets=[outlet] if outlet else None, block_kinds=block_kinds, window=window)
    out = _edge_words(hits, articles)
    return out.sort_values(["outlet", "published", "article_id", "start"], kind="stable").reset_index(drop=True)


def phrase_hits(sentences: pd.DataFrame, articles: pd.DataFrame, phrase: str, *, outlet: str | None = None,
                window: int = 60) -> pd.DataFrame:
    """A researcher's own word or phrase (whole words, case-insensitive; spaces match any white space) -> KWIC rows
    from headline, body and subheading sentences, with HIT_COLUMNS."""
    words = phrase.split()
    if not words:
        return _edge_words(pd.DataFrame(), articles)
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
    hits = kwic(sentences, articles, pattern, regex=True, outlets=[outlet] if outlet else None,
                block_kinds=["headline", "body", "subheading"], window=window)
    out = _edge_words(hits, articles)
    return out.sort_values(["outlet", "published", "article_id", "start"], kind="stable").reset_index(drop=True)


@dataclass
class DrilldownExplorer:
    """Outlet, actor and term (a framing cell) or a phrase -> the sentences behind it; build with
    `drilldown_explorer`. Controls: "Outlet", "Actor", "Term" (searchable), "Search" (own word or phrase),
    "Export CSV" (to the path in "Save as")."""

    mentions: pd.DataFrame
    sentences: pd.DataFrame
    articles: pd.DataFrame
    outlet: widgets.Combobox
    actor: widgets.Dropdown
    term: widgets.Combobox
    search: widgets.Text
    save_as: widgets.Text
    export_button: widgets.Button
    status: widgets.HTML
    output: widgets.Output
    hits: pd.DataFrame = field(default_factory=pd.DataFrame)
    box: widgets.Box = field(init=False)
    _hold: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        for control in (self.outlet, self.actor, self.term, self.search):
            control.observe(lambda _c: None if self._hold else self.refresh(), names="value")
        self.export_button.on_click(lambda _b: self.export(self.save_as.value))
        self.box = widgets.VBox([widgets.HBox([self.outlet, self.actor, self.term]),
                                 widgets.HBox([self.search, self.save_as, self.export_button]),
                                 self.status, self.output])

    def select(self, *, outlet: str | None = None, actor: str | None = None, term: str | None = None,
               search: str = "") -> pd.DataFrame:
        """Set the controls (None = all) and refresh -> the rows now shown."""
        self._hold = True  # one refresh for the four controls, not one each
        try:
            self.outlet.value, self.actor.value = outlet or "", actor or ALL
            self.term.value, self.search.value = term or "", search
        finally:
            self._hold = False
        self.refresh()
        return self.hits

    def state(self) -> dict[str, str]:
        """The controls' values -> a JSON-able dict (`save_state` / `load_state`)."""
        return {"outlet": self.outlet.value, "actor": self.actor.value, "term": self.term.value,
                "search": self.search.value}

    def save_state(self, path: str | Path) -> Path:
        """Write the controls' values to a JSON file -> path."""
        path = Path(path)
        path.write_text(json.dumps(self.state(), indent=1), encoding="utf-8")
        return path

    def load_state(self, path: str | Path) -> None:
        """Set the controls from a JSON file written by `save_state`."""
        st = json.loads(Path(path).read_text(encoding="utf-8"))
        self.select(outlet=st.get("outlet") or None, actor=None if st.get("actor") in (None, ALL) else st["actor"],
                    term=st.get("term") or None, search=st.get("search", ""))

    def export(self, path: str | Path) -> Path:
        """Write the rows shown to CSV -> path."""
        from .notebook_support import export

        written = export(self.hits, path)
        self.status.value = f"<small>{len(self.hits)} rows written to CSV</small>"
        return written

    def refresh(self) -> None:
        """Recompute the rows for the controls and show them."""
        from .notebook_support import show

        outlet = self.outlet.value if self.outlet.value in self.outlet.options else None
        actor = None if self.actor.value in (None, ALL) else self.actor.value
        term = self.term.value if self.term.value in self.term.options else None
        if self.search.value.strip():
            self.hits = phrase_hits(self.sentences, self.articles, self.search.value, outlet=outlet)
            what = f'"{self.search.value.strip()}" in the text'
        else:
            self.hits = designation_hits(self.mentions, self.sentences, self.articles, outlet=outlet, actor=actor,
                                         term=term)
            what = f"designations {term or 'of any term'} for {actor or 'any actor'}"
        self.status.value = (f"<small>{len(self.hits)} sentences: {what}"
                             f"{' in ' + outlet if outlet else ''}</small>").replace("&", "&amp;")
        # Set the widget's outputs directly: capturing (`with self.output:`) breaks headless runs (nbclient).
        self.output.outputs = ()
        self.output.append_display_data(show(self.hits, caption="sentences behind the selection"))

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"DrilldownExplorer(rows={len(self.hits)})"
        return bundle


def drilldown_explorer(mentions: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame,
                       **selection: str | None) -> DrilldownExplorer:
    """The `mentions`, `sentences` and `articles` tables -> a DrilldownExplorer (optionally preset with
    outlet=, actor=, term=, search=)."""
    outlets = sorted(article_sources(articles)["outlet"].unique(), key=lambda o: (o.startswith(UNKNOWN_PREFIX), o))
    layout = widgets.Layout(width="auto")
    ex = DrilldownExplorer(
        mentions=mentions, sentences=sentences, articles=articles,
        outlet=widgets.Combobox(options=outlets, placeholder="all outlets (type to search)", description="Outlet",
                                ensure_option=False, layout=layout),
        actor=widgets.Dropdown(options=[ALL, *sorted(mentions["actor"].dropna().unique())], value=ALL,
                               description="Actor"),
        term=widgets.Combobox(options=sorted(mentions["term"].dropna().unique()), placeholder="all terms",
                              description="Term", ensure_option=False, layout=layout),
        search=widgets.Text(placeholder="your word or phrase", description="Search"),
        save_as=widgets.Text(value="sentences.csv", description="Save as"),
        export_button=widgets.Button(description="Export CSV"),
        status=widgets.HTML(), output=widgets.Output(),
    )
    ex.select(**selection)
    return ex
