"""The judging panel: judgements go to the log at once and survive a new panel (a kernel restart)."""
from __future__ import annotations

import pandas as pd

from workbench import validation as V
from workbench.judging import judging_panel, row_html


def _sheet(tmp_path):
    rows = [{"table": "mentions", "article_id": f"a{i}", "start": 4, "end": 10, "sha256": "x", "outlet": "o",
             "published": "2019-08-30", "stratum": "actor=A", "surface": "regime", "term": "regime", "actor": "A",
             "context": "The regime <b>shelled</b> the town.", "span_start": 4, "span_end": 10, "read_full": "",
             "judgement": "", "fix": "", "note": ""} for i in range(4)]
    return V.write_sheet(pd.DataFrame(rows), tmp_path / "sheet.csv")


def test_buttons_append_and_a_new_panel_resumes(tmp_path):
    path = _sheet(tmp_path)
    sheet_bytes = path.read_bytes()
    panel = judging_panel(path)
    assert "0 of 4 judged" in panel.progress_html.value
    panel.fix.value = "UNKNOWN"
    panel.judge("wrong")
    panel.judge("correct")
    assert "2 of 4 judged" in panel.progress_html.value
    again = judging_panel(path)  # what a kernel restart does
    assert again.done == 2 and again.index == 2
    j = V.sheet_judgements(path)
    assert list(j["judgement"]) == ["wrong", "correct"] and list(j["fix"]) == ["UNKNOWN", ""]
    assert path.read_bytes() == sheet_bytes  # the sheet is never written


def test_keys_judge_and_move(tmp_path):
    panel = judging_panel(_sheet(tmp_path))
    panel.keys.value = "u"
    assert panel.done == 1 and panel.keys.value == ""
    panel.keys.value = "n"
    assert panel.index == 2
    panel.keys.value = "p"
    assert panel.index == 1


def test_row_html_escapes_the_context_and_marks_the_span():
    html = row_html({"table": "mentions", "outlet": "<o>", "context": "The regime <b>shelled</b>", "span_start": 4,
                     "span_end": 10, "term": "regime", "actor": "A", "article_id": "a", "start": 4, "end": 10})
    assert "&lt;b&gt;shelled" in html and "<b>shelled" not in html and "&lt;o&gt;" in html
    assert '<mark class="wb-judged-span"' in html and ">regime</mark>" in html
