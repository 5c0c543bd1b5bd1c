"""Framing shares adjusted for the precision measured by judging a sample of mentions (workbench.validation).

A designation count includes false rows; judging a sample of mentions measures how many. `adjusted_framing` scales
each outlet x actor x term count by the estimated precision of that term x actor and recomputes the shares. The
interval comes from a seeded bootstrap that redraws both the judged sample (within its sampling strata) and the
term shares of each outlet x actor (from their Dirichlet posterior), so it carries the uncertainty of the precision
and of the share.

References:
    Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap, ch. 13 (percentile intervals).
    Rao, J. N. K., & Wu, C. F. J. (1988). Resampling inference with complex survey data. JASA 83(401), 231-241
    (resampling within strata).
"""
from __future__ import annotations

from pathlib import Path

import warnings

import numpy as np
import pandas as pd

from .validation import JUDGEMENTS_DIR, matching, read_judgements

ADJ_COLUMNS = ["precision_used", "count_adj", "share_adj", "share_adj_low", "share_adj_high"]
PRIOR_WEIGHT = 2.0  # pseudo-judgements pulling a thinly judged term x actor towards its actor's precision
N_BOOT = 1000


def _precisions(actor_i: np.ndarray, cell_i: np.ndarray, y: np.ndarray, n_actors: int, n_cells: int,
                cell_actor: np.ndarray, *, m: float = PRIOR_WEIGHT) -> np.ndarray:
    """Judged rows (actor index, term x actor index, 1 = correct) -> precision per cell, shrunk twice.

    p_table = K / N; p_actor = (K_a + m p_table) / (N_a + m); p_cell = (k + m p_actor) / (n + m): a cell judged
    often keeps its own rate, one judged once or never leans on its actor's (empirical-Bayes style shrinkage).
    Works on a leading replicate axis too (arrays of shape (B, n)).
    """
    y = np.atleast_2d(y).astype(float)
    actor_i, cell_i = np.broadcast_to(actor_i, y.shape), np.broadcast_to(cell_i, y.shape)
    b = np.repeat(np.arange(y.shape[0]), y.shape[1])
    k_a, n_a = np.zeros((y.shape[0], n_actors)), np.zeros((y.shape[0], n_actors))
    k_c, n_c = np.zeros((y.shape[0], n_cells)), np.zeros((y.shape[0], n_cells))
    np.add.at(k_a, (b, actor_i.ravel()), y.ravel())
    np.add.at(n_a, (b, actor_i.ravel()), 1.0)
    np.add.at(k_c, (b, cell_i.ravel()), y.ravel())
    np.add.at(n_c, (b, cell_i.ravel()), 1.0)
    p_t = y.mean(axis=1, keepdims=True)
    p_a = (k_a + m * p_t) / (n_a + m)
    return (k_c + m * p_a[:, cell_actor]) / (n_c + m)


def adjusted_framing(framing: pd.DataFrame, judgements: pd.DataFrame, *, n_boot: int = N_BOOT, seed: int = 0,
                     level: float = 0.95) -> pd.DataFrame:
    """The `framing` table + judged mentions -> `framing` with shares adjusted for measured precision.

    Judgements other than correct / wrong on the `mentions` table are ignored. Without any, the table is returned
    unchanged. Precision is estimated per term x actor pooled over outlets (`_precisions`); the sample's strata are
    read from the `stratum` column and resampled separately.

    Returns:
        The `framing` columns plus precision_used (the estimate applied), count_adj (count x precision),
        share_adj (count_adj / the outlet x actor's total count_adj), share_adj_low, share_adj_high (bootstrap
        percentile interval, `n_boot` replicates, numpy Generator seeded with `seed`).
    """
    j = judgements
    if len(j):
        j = j[(j["table"] == "mentions") & j["judgement"].isin(["correct", "wrong"])]
    if framing.empty or not len(j):
        return framing
    actors = sorted(set(framing["actor"].astype(str)) | set(j["actor"].astype(str)))
    a_code = {a: i for i, a in enumerate(actors)}
    cells = sorted(set(zip(framing["actor"].astype(str), framing["term"].astype(str)))
                   | set(zip(j["actor"].astype(str), j["term"].astype(str))))
    c_code = {c: i for i, c in enumerate(cells)}
    cell_actor = np.array([a_code[a] for a, _ in cells])
    actor_i = np.array([a_code[a] for a in j["actor"].astype(str)])
    cell_i = np.array([c_code[c] for c in zip(j["actor"].astype(str), j["term"].astype(str))])
    y = (j["judgement"] == "correct").to_numpy(dtype=float)

    out = framing.copy().reset_index(drop=True)
    row_cell = np.array([c_code[c] for c in zip(out["actor"].astype(str), out["term"].astype(str))])
    counts = out["count"].to_numpy(dtype=float)
    groups = out.groupby(["outlet", "actor"], sort=False).indices

    def shares(adj: np.ndarray) -> np.ndarray:
        res = np.full_like(adj, np.nan)
        for idx in groups.values():
            tot = adj[..., idx].sum(axis=-1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                res[..., idx] = np.where(tot > 0, adj[..., idx] / tot, np.nan)
        return res

    p = _precisions(actor_i, cell_i, y, len(actors), len(cells), cell_actor)[0, row_cell]
    out["precision_used"] = p
    out["count_adj"] = counts * p
    out["share_adj"] = shares(counts * p)

    rng = np.random.default_rng(seed)
    strata = j["stratum"].to_numpy() if "stratum" in j.columns else np.zeros(len(j))
    draw = np.empty((n_boot, len(j)), dtype=np.int64)
    col = 0
    for s in sorted(set(strata)):
        idx = np.flatnonzero(strata == s)
        draw[:, col:col + len(idx)] = idx[rng.integers(0, len(idx), size=(n_boot, len(idx)))]
        col += len(idx)
    p_boot = _precisions(actor_i[draw], cell_i[draw], y[draw], len(actors), len(cells), cell_actor)[:, row_cell]
    # Term shares of each outlet x actor drawn from their posterior under a Jeffreys prior, Dirichlet(count + 1/2),
    # with one more category for the terms the outlet never used there (count 0): unlike a multinomial redraw, an
    # observed share of 1 (49 of 49) stays uncertain, as its Wilson interval is. Unused terms take the mean precision.
    boot = np.full((n_boot, len(out)), np.nan)
    for idx in groups.values():
        if counts[idx].sum() <= 0:
            continue
        draw_shares = rng.dirichlet(np.append(counts[idx] + 0.5, 0.5), size=n_boot)
        adj = draw_shares[:, :-1] * p_boot[:, idx]
        total = adj.sum(axis=1) + draw_shares[:, -1] * p_boot[:, idx].mean(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            boot[:, idx] = adj / total[:, None]
    tail = (1.0 - level) / 2.0
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an outlet x actor whose adjusted total is 0 in a replicate
        out["share_adj_low"] = np.nanquantile(boot, tail, axis=0)
        out["share_adj_high"] = np.nanquantile(boot, 1.0 - tail, axis=0)
    return out


def judgements_for(out: str | Path, source: str | Path | None = None) -> pd.DataFrame:
    """Judgements (default: every sheet and log under data/judgements) made on the articles annotated in `out`."""
    src = Path(source) if source is not None else JUDGEMENTS_DIR
    if not src.exists():
        return read_judgements([])
    return matching(read_judgements(src), out)
