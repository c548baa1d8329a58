"""As-of features for every draw of a timeline, computed over the whole history in one pass.

Row i's statistics come from rows < i only (cumulative sums shifted by one draw), counted within
the ball's range epoch (pipeline/silver/eras.py). Everything is dense [draw, number] arrays:
no loop per draw or per number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.silver.eras import BALLS, ball_range, epoch_starts, era_positions, max_number, picks
from pipeline.silver.history import Timeline

TABLE_WINDOWS = (10, 25, 50, 100)  # the hits_<w> columns of silver.number_features
TABLE_COLUMNS = ("game", "draw_date", "era", "ball_type", "number", "history_from",
                 "as_of_draw_date", "era_draws_before", "hits_10", "hits_25", "hits_50",
                 "hits_100", "hits_era", "draws_since_seen", "seen_in_era")


@dataclass
class BallFeatures:
    """One ball type's features; arrays are [draw, number] with column 0 unused."""

    ball: str
    picks: np.ndarray  # [N] numbers drawn of this ball type per draw
    start: np.ndarray  # [N] timeline index of the first draw of row i's epoch (<= i)
    history_from: np.ndarray  # [N] datetime64: first day of row i's epoch
    valid: np.ndarray  # bool: number is in row i's era range
    drawn: np.ndarray  # bool: number was drawn in row i (False where the result is not known)
    since_seen: np.ndarray  # int32: epoch draws after its last appearance (era_draws if none)
    seen: np.ndarray  # bool: appeared in the epoch before row i
    hits: dict = field(default_factory=dict)  # window (int) or "era" -> int32 appearances

    @property
    def era_draws(self) -> np.ndarray:
        return np.arange(len(self.start)) - self.start

    def range_size(self) -> np.ndarray:
        return self.valid.sum(axis=1)


def _drawn_matrix(tl: Timeline, ball: str, width: int) -> np.ndarray:
    n = len(tl)
    drawn = np.zeros((n, width), dtype=bool)
    balls = tl.whites if ball == "white" else tl.special[:, None]
    drawn[np.arange(n)[:, None], balls] = True
    drawn[:, 0] = False  # unknown rows carry zeros
    drawn[~tl.known] = False
    return drawn


def build_ball(tl: Timeline, ball: str, windows) -> BallFeatures:
    game, n = tl.game, len(tl)
    width = max_number(game, ball) + 1
    pos = era_positions(game, tl.dates)
    eras = game.eras
    lo = np.array([ball_range(e, ball)[0] for e in eras])[pos]
    hi = np.array([ball_range(e, ball)[1] for e in eras])[pos]
    history_from = np.array(epoch_starts(game, ball), dtype="datetime64[D]")[pos]
    start = np.searchsorted(tl.dates, history_from, side="left")
    numbers = np.arange(width)
    valid = (numbers >= lo[:, None]) & (numbers <= hi[:, None])
    drawn = _drawn_matrix(tl, ball, width)
    before = np.zeros((n + 1, width), dtype=np.int32)  # before[i] = appearances in rows < i
    np.cumsum(drawn, axis=0, dtype=np.int32, out=before[1:])
    rows = np.arange(n)
    hits = {"era": before[:n] - before[start]}
    for w in sorted(set(windows)):
        hits[w] = before[:n] - before[np.maximum(rows - w, start)]
    last = np.where(drawn, rows[:, None], -1)
    np.maximum.accumulate(last, axis=0, out=last)
    last_before = np.vstack([np.full((1, width), -1), last[:-1]])
    seen = last_before >= start[:, None]
    since = np.where(seen, rows[:, None] - 1 - last_before, (rows - start)[:, None])
    count = np.array([picks(e, ball) for e in eras])[pos]
    return BallFeatures(ball, count, start, history_from, valid, drawn,
                        since.astype(np.int32), seen, hits)


def build(tl: Timeline, windows=TABLE_WINDOWS) -> dict[str, BallFeatures]:
    windows = sorted(set(TABLE_WINDOWS) | set(windows))
    return {ball: build_ball(tl, ball, windows) for ball in BALLS}


def to_frame(tl: Timeline, feats: dict[str, BallFeatures], first_row: int = 1) -> pd.DataFrame:
    """Table rows (TABLE_COLUMNS) for timeline rows >= first_row; row 0 has no history.

    Dates stay datetime64 (no ISO text): formatting and re-parsing 10^6 dates was half of the
    build's and the binary COPY's Python time.
    """
    first_row = max(first_row, 1)
    era_names = np.array([e.name for e in tl.game.eras])[era_positions(tl.game, tl.dates)]
    frames = []
    for ball, f in feats.items():
        r, num = np.nonzero(f.valid[first_row:])
        r = r + first_row
        frames.append(pd.DataFrame({
            "game": tl.game.id, "draw_date": tl.dates[r], "era": era_names[r],
            "ball_type": ball, "number": num.astype(np.int16),
            "history_from": f.history_from[r], "as_of_draw_date": tl.dates[r - 1],
            "era_draws_before": f.era_draws[r],
            **{f"hits_{w}": f.hits[w][r, num] for w in TABLE_WINDOWS},
            "hits_era": f.hits["era"][r, num], "draws_since_seen": f.since_seen[r, num],
            "seen_in_era": f.seen[r, num],
        }, columns=list(TABLE_COLUMNS)))
    return pd.concat(frames, ignore_index=True)
