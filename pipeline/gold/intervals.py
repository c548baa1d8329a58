"""Confidence intervals with the draw as the unit, and multiplicity adjustment."""

from __future__ import annotations

import math

import numpy as np

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval of a proportion (used when every draw has one ticket)."""
    if n == 0:
        return None, None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def cluster_ratio(totals: np.ndarray, sizes: np.ndarray, low: float = 0.0,
                  high: float = math.inf) -> tuple[float | None, float | None]:
    """95% t-interval of sum(totals)/sum(sizes) with draws (clusters) as the independent unit.

    The variance is the usual ratio (cluster-robust) estimator, so tickets sharing a draw are
    not counted as independent evidence. Clipped to the metric's range [low, high].
    """
    from scipy.stats import t

    d = len(totals)
    if d < 2 or sizes.sum() == 0:
        return None, None
    ratio = totals.sum() / sizes.sum()
    resid = totals - ratio * sizes
    se = math.sqrt((resid ** 2).sum() / (d * (d - 1))) / sizes.mean()
    half = t.ppf(0.975, d - 1) * se
    return max(low, ratio - half), min(high, ratio + half)


def holm(p_values: list[float | None]) -> list[float | None]:
    """Holm-Bonferroni adjusted p-values (monotone, capped at 1); None stays None."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m, running = len(indexed), 0.0
    adjusted: list[float | None] = [None] * len(p_values)
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted
