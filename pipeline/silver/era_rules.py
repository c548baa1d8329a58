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


def add_era_columns(frame, game: Game, date_column: str, ball_column: str | None = None):
    """rule_era, rule_min, rule_max, rule_numbers (and rule_history_from per ball type).

    With `ball_column` the ranges are the row's ball type's ('white' or 'special'); without
    it, rule_white_* and rule_special_* are both added.
    """
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
    if ball_column is None:
        return frame
    white = (frame[ball_column] == "white").to_numpy()
    for side in ("min", "max"):
        frame[f"rule_{side}"] = np.where(white, frame[f"rule_white_{side}"],
                                         frame[f"rule_special_{side}"])
    frame["rule_numbers"] = frame["rule_max"] - frame["rule_min"] + 1
    frame["rule_history_from"] = np.where(white, frame["rule_white_from"],
                                          frame["rule_special_from"])
    return frame
