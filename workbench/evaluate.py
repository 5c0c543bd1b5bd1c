"""Score annotation tables against hand annotations (gold-dev layout: `<table>.jsonl`).

Matching follows shared/gold-dev/README.md: a predicted row matches a hand row of the same article when their spans
overlap by at least half of the longer one, one to one (greedy, largest overlap first, right labels preferred).
Then a match counts as correct when its label agrees: mentions (term, actor), quotes speaker, figures value (vague
hand rows: span only), timex value. Reported per table: precision, recall, F1 of correct matches (overlap), the
same on exact offsets, the share of matches with exact offsets, and label accuracy among matches.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .tables import read_table

TABLES = ("blocks", "mentions", "quotes", "figures", "timex")


def _speaker(v: object) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return str(v)


def _value(v: object) -> object:
    try:
        return round(float(v), 6)
    except (TypeError, ValueError):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def label_equal(table: str, gold: dict, pred: dict) -> bool:
    """Whether a matched pair agrees on the table's label (see module doc) -> bool."""
    if table == "mentions":
        return gold.get("term") == pred.get("term") and gold.get("actor") == pred.get("actor")
    if table == "quotes":
        return _speaker(gold.get("speaker")) == _speaker(pred.get("speaker"))
    if table == "figures":
        return bool(gold.get("vague")) or _value(gold.get("value")) == _value(pred.get("value"))
    if table == "timex":
        return str(gold.get("value")) == str(pred.get("value"))
    if table == "blocks":
        return gold.get("kind") == pred.get("kind")
    return True


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def match_rows(table: str, gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one matches (gold index, pred index) of one article's rows with overlap >= half the longer span."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = _overlap(g, p)
            if ov and ov * 2 >= max(g["end"] - g["start"], p["end"] - p["start"]):
                cands.append((not label_equal(table, g, p), -ov, gi, pi))
    cands.sort()
    used_g, used_p, out = set(), set(), []
    for _, _, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


@dataclass
class TableScore:
    """Scores of one table."""

    table: str
    n_gold: int
    n_pred: int
    matched: int
    correct: int
    exact: int
    exact_correct: int

    def _prf(self, hit: int) -> tuple[float, float, float]:
        p = hit / self.n_pred if self.n_pred else (1.0 if not self.n_gold else 0.0)
        r = hit / self.n_gold if self.n_gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def as_row(self) -> dict:
        """Flatten to a report row -> dict."""
        p, r, f = self._prf(self.correct)
        ep, er, ef = self._prf(self.exact_correct)
        sp, sr, sf = self._prf(self.matched)
        return {
            "table": self.table, "gold": self.n_gold, "pred": self.n_pred, "matched": self.matched,
            "precision": p, "recall": r, "f1": f,
            "span_f1": sf, "exact_precision": ep, "exact_recall": er, "exact_f1": ef,
            "exact_share": self.exact / self.matched if self.matched else 0.0,
            "label_accuracy": self.correct / self.matched if self.matched else 0.0,
        }


def load_gold(gold_dir: str | Path, table: str) -> pd.DataFrame | None:
    """Read `<gold_dir>/<table>.jsonl` -> DataFrame, or None if absent."""
    path = Path(gold_dir) / f"{table}.jsonl"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as fh:
        return pd.DataFrame([json.loads(line) for line in fh if line.strip()])


def score_table(table: str, gold: pd.DataFrame, pred: pd.DataFrame) -> tuple[TableScore, pd.DataFrame]:
    """Score one table over the gold articles -> (TableScore, a frame of disagreements for inspection)."""
    arts = sorted(gold["article_id"].unique())
    pred = pred[pred["article_id"].isin(arts)] if len(pred) else pred
    n_m = n_c = n_e = n_ec = 0
    issues = []
    for aid in arts:
        g = gold[gold["article_id"] == aid].to_dict("records")
        p = pred[pred["article_id"] == aid].to_dict("records") if len(pred) else []
        pairs = match_rows(table, g, p)
        mg = {gi for gi, _ in pairs}
        mp = {pi for _, pi in pairs}
        for gi, pi in pairs:
            ok = label_equal(table, g[gi], p[pi])
            ex = g[gi]["start"] == p[pi]["start"] and g[gi]["end"] == p[pi]["end"]
            n_m += 1
            n_c += ok
            n_e += ex
            n_ec += ok and ex
            if not ok or not ex:
                issues.append({"article_id": aid, "issue": "label" if not ok else "offsets", "gold": g[gi], "pred": p[pi]})
        issues += [{"article_id": aid, "issue": "missed", "gold": g[i], "pred": None} for i in range(len(g)) if i not in mg]
        issues += [{"article_id": aid, "issue": "spurious", "gold": None, "pred": p[i]} for i in range(len(p)) if i not in mp]
    score = TableScore(table, len(gold), len(pred), n_m, n_c, n_e, n_ec)
    return score, pd.DataFrame(issues, columns=["article_id", "issue", "gold", "pred"])


def block_confusion(gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """Gold kind x predicted kind counts over lines matched by (article_id, start) -> wide frame."""
    m = gold.merge(pred, on=["article_id", "start"], how="left", suffixes=("_gold", "_pred"))
    m["kind_pred"] = m["kind_pred"].fillna("(none)")
    return pd.crosstab(m["kind_gold"], m["kind_pred"])


def evaluate_dir(out_dir: str | Path, gold_dir: str | Path, *, corrected: bool = True,
                 tables: tuple[str, ...] = TABLES) -> dict:
    """Score every table present in both folders -> {"scores": DataFrame, "issues": {table: DataFrame}, ...}."""
    rows, issues, confusion = [], {}, None
    for table in tables:
        gold = load_gold(gold_dir, table)
        if gold is None:
            continue
        if corrected:
            pred = read_table(out_dir, table)
        else:  # as the annotator produced it: researchers' corrections undone
            from .corrections import raw_table

            pred = raw_table(out_dir, table)
        score, iss = score_table(table, gold, pred)
        rows.append(score.as_row())
        issues[table] = iss
        if table == "blocks":
            confusion = block_confusion(gold, pred)
    return {"scores": pd.DataFrame(rows), "issues": issues, "block_confusion": confusion}


def format_report(report: dict) -> str:
    """A printable evaluation report -> text."""
    scores = report["scores"]
    parts = ["Scores (overlap >= half the longer span, one to one; f1 = correct label):",
             scores.round(3).to_string(index=False) if len(scores) else "(no tables scored)"]
    if report.get("block_confusion") is not None:
        blocks = scores[scores["table"] == "blocks"]
        if len(blocks):
            parts.append(f"\nblock line accuracy: {blocks['recall'].iloc[0]:.3f}")
        parts += ["block confusion (rows: hand kind, columns: predicted kind):", report["block_confusion"].to_string()]
    return "\n".join(parts)
