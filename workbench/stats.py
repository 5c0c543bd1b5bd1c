"""Small statistics shared by the analyses: the 95% normal quantile and the Wilson interval of a proportion."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import norm

Z95 = float(norm.ppf(0.975))  # 1.959963984540054


def wilson_interval(count: np.ndarray | Sequence[float] | float, total: np.ndarray | Sequence[float] | float, *,
                    z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Successes and trials -> (low, high) of the Wilson score interval for a proportion (NaN where total = 0).

    References:
        Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
        Journal of the American Statistical Association, 22(158), 209-212.
    """
    k = np.asarray(count, dtype=float)
    n = np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low, high = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    # exact ends where rounding would leave 1e-17 off them (the closed forms are 0 and 1)
    low, high = np.where(k <= 0, 0.0, low), np.where(k >= n, 1.0, high)
    bad = n <= 0
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)
