"""The game definition's rules as columns beside each row, so one GX expectation checks every era.

Like the bronze suite's rule columns: a row dated D gets the era of D and that era's ranges (and
the range epoch each ball type's counts start from), looked up from games.toml by date.
"""

from __future__ import annotations

import numpy as np

from pipeline.games import Game


def lookup(days, starts: list, values: list):
    """values[i] for the last start <= day, None before the first start (vectorised)."""
    idx = np.searchsorted(np.array(starts, dtype="datetime64[D]"), days, side="right") - 1
    table = np.array([*values, None], dtype=object)
    return table[np.where(idx >= 0, idx, len(values))]


def add_era_columns(frame, game: Game, date_column: str):
    """rule_era, and rule_white_* and rule_special_* (min, max, from: the range epoch)."""
    import pandas as pd

    from pipeline.silver.eras import ball_range, epoch_starts

    days = pd.to_datetime(frame[date_column]).to_numpy(dtype="datetime64[D]")
    starts = [e.start for e in game.eras]
    frame["rule_era"] = lookup(days, starts, [e.name for e in game.eras])
    for ball in ("white", "special"):
        for i, side in enumerate(("min", "max")):
            frame[f"rule_{ball}_{side}"] = pd.to_numeric(
                lookup(days, starts, [ball_range(e, ball)[i] for e in game.eras]))
        frame[f"rule_{ball}_from"] = lookup(days, starts, epoch_starts(game, ball))
    return frame
