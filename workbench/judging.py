"""The judging panel of notebook 07: one sheet row at a time, in context, judged with buttons or keys.

Public API::

    panel = judging_panel(SHEET)       # a sheet written by `workbench sample` / validation.load_or_draw
    panel                              # shows it (last expression of a cell)
    panel.judge("correct", fix="")     # what the buttons do; appends one line to the log next to the sheet
    panel.judgements()                 # sheet + log, latest line per row

Controls (stable descriptions, for people and browser tests): buttons "correct", "wrong", "unsure", "previous",
"next"; a text field "fix" (the right label, optional: a bare value, `column=value; ...` or `delete`); a text field
"keys" for shortcuts while the cursor is in it: c = correct, w = wrong, u = unsure, n = next, p = previous. The
HTML widget with class `wb-judging-progress` says "23 of 60 judged". Every judgement is appended to
`validation.log_path(sheet)` at once: a kernel restart loses nothing, and the sheet itself is never written.
"""
from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from .html import esc, highlight
from .validation import KEY, LABELS, append_judgement, log_path, read_sheet, sheet_judgements

SHORTCUTS = {"c": "correct", "w": "wrong", "u": "unsure"}
SPAN_STYLE = "<style>.wb-judging mark.wb-judged-span{background:#fde68a;font-weight:bold;padding:0 2px}</style>"


def row_html(row: dict, *, judged: dict | None = None, position: str = "") -> str:
    """One sheet row -> escaped HTML: outlet, date, key, labels, and the context with the span highlighted."""
    table = row.get("table", "mentions")
    labels = " · ".join(f"{c} <b>{esc(row.get(c, ''))}</b>" for c in LABELS.get(table, ()) if c != "text")
    ctx = str(row.get("context", ""))
    text = highlight(ctx, [(int(row["span_start"]), int(row["span_end"]), "wb-judged-span")])
    state = (f"<div>judged: <b>{esc(judged['judgement'])}</b>"
             + (f" · fix <code>{esc(judged['fix'])}</code>" if judged.get("fix") else "") + "</div>") if judged else ""
    return (f'{SPAN_STYLE}<div class="wb-judging">'
            f"<div><b>{esc(row.get('outlet', ''))}</b> · {esc(row.get('published', ''))} · "
            f"{esc(row.get('article_id', ''))} {esc(row.get('start', ''))}-{esc(row.get('end', ''))} · "
            f"{esc(table)} · {esc(position)}</div>"
            f"<div>{labels}</div>"
            f'<blockquote style="border-left:3px solid #ccc;padding-left:8px">{text}</blockquote>{state}</div>')


class JudgingPanel:
    """Judge the rows of one sheet; every judgement is appended to the sheet's log at once (`box`: the widget)."""

    def __init__(self, sheet_path: str | Path, *, author: str = "") -> None:
        self.sheet_path, self.log_file, self.author = Path(sheet_path), log_path(sheet_path), author
        self.sheet = read_sheet(self.sheet_path)
        self.rows = self.sheet.to_dict("records")
        self.progress_html = widgets.HTML()
        self.row_view = widgets.HTML()
        self.fix = widgets.Text(description="fix", placeholder="right label (optional), or delete")
        self.keys = widgets.Text(description="keys", placeholder="c / w / u, n / p", continuous_update=True)
        buttons = []
        for name, style in (("correct", "success"), ("wrong", "danger"), ("unsure", "warning")):
            b = widgets.Button(description=name, button_style=style)
            b.on_click(lambda _b, name=name: self.judge(name))
            buttons.append(b)
        prev, nxt = widgets.Button(description="previous"), widgets.Button(description="next")
        prev.on_click(lambda _b: self.move(-1))
        nxt.on_click(lambda _b: self.move(1))
        self.keys.observe(self._on_key, names="value")
        self.box = widgets.VBox([self.progress_html, self.row_view, widgets.HBox([*buttons, prev, nxt]),
                                 widgets.HBox([self.fix, self.keys])])
        self._judged = self._load()
        self.index = self._next_open(0)
        self.refresh()

    def _load(self) -> dict[tuple, dict]:
        j = sheet_judgements(self.sheet_path)
        return {tuple(map(str, k)): r for k, r in zip(j[list(KEY)].to_numpy(), j.to_dict("records"))}

    def _key(self, i: int) -> tuple:
        return tuple(str(self.rows[i][k]) for k in KEY)

    def _next_open(self, start: int) -> int:
        """The first row at or after `start` (wrapping round) not yet judged; `start` if all are."""
        n = len(self.rows)
        for k in range(n):
            i = (start + k) % n
            if self._key(i) not in self._judged:
                return i
        return min(start, max(n - 1, 0))

    @property
    def done(self) -> int:
        """Rows of the sheet judged so far."""
        return sum(self._key(i) in self._judged for i in range(len(self.rows)))

    def judgements(self) -> pd.DataFrame:
        """Judgements of this sheet (sheet + log, latest per row) -> frame."""
        return sheet_judgements(self.sheet_path)

    def judge(self, judgement: str, *, fix: str | None = None) -> None:
        """Record a judgement of the row shown (append to the log), then show the next row not yet judged."""
        if not self.rows:
            return
        fix = self.fix.value.strip() if fix is None else fix
        line = append_judgement(self.log_file, self.rows[self.index], judgement, fix=fix, author=self.author)
        self._judged[self._key(self.index)] = line
        self.fix.value = ""
        self.index = self._next_open(self.index)
        self.refresh()

    def move(self, step: int) -> None:
        """Show the previous (-1) or next (+1) row, judged or not."""
        if self.rows:
            self.index = (self.index + step) % len(self.rows)
            self.refresh()

    def _on_key(self, change: dict) -> None:
        key = (change["new"] or "").strip().lower()[-1:]
        if not key:
            return
        self.keys.value = ""
        if key in SHORTCUTS:
            self.judge(SHORTCUTS[key])
        elif key in ("n", "p"):
            self.move(1 if key == "n" else -1)

    def refresh(self) -> None:
        """Redraw the progress line and the row shown."""
        n = len(self.rows)
        self.progress_html.value = (f'<div class="wb-judging-progress"><b>{self.done} of {n} judged</b>'
                                    + (" · all done" if n and self.done == n else "") + "</div>")
        if not n:
            self.row_view.value = "<i>(the sheet has no rows)</i>"
            return
        row = self.rows[self.index]
        self.row_view.value = row_html(row, judged=self._judged.get(self._key(self.index)),
                                       position=f"row {self.index + 1} of {n}")

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # the widget's own repr spells out every child: keep the text short
        return bundle

    def __repr__(self) -> str:
        return f"JudgingPanel({self.done} of {len(self.rows)} judged)"


def judging_panel(sheet_path: str | Path, *, author: str = "") -> JudgingPanel:
    """A sheet -> the judging panel widget (see the module docstring)."""
    return JudgingPanel(sheet_path, author=author)
