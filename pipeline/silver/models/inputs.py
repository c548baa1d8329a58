"""Era-relative model inputs: 1.0 means 'as often as chance', whatever the era's range.

That makes rows from different eras comparable, so a fit may span an era change.
"""

from __future__ import annotations

import numpy as np

from pipeline.silver.features import BallFeatures


def relative_hits(feats: BallFeatures, rows: np.ndarray, window) -> np.ndarray:
    """Appearances over the window / chance expectation; 1.0 where the window is still empty."""
    era_draws = feats.era_draws[rows]
    draws = era_draws if window == "era" else np.minimum(window, era_draws)
    expected = draws * feats.picks[rows] / feats.range_size()[rows]
    hits = feats.hits[window][rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(expected[:, None] > 0, hits / expected[:, None], 1.0)
    return rel


def matrix(feats: BallFeatures, rows: np.ndarray, windows) -> tuple[np.ndarray, tuple]:
    """Inputs for the valid (row, number) cells of `rows`: X [cells, k] and the cells' indices."""
    cells = np.nonzero(feats.valid[rows])
    gap_scale = feats.picks[rows] / feats.range_size()[rows]
    columns = [relative_hits(feats, rows, w)[cells] for w in (*windows, "era")]
    columns.append((feats.since_seen[rows] * gap_scale[:, None])[cells])
    columns.append(feats.seen[rows][cells].astype(float))
    return np.column_stack(columns), cells
