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


def sql_columns(game: Game, params: dict, date_column: str,
                columns: tuple[str, ...] | None = None):
    """add_era_columns' rule_era and rule_<ball>_<min|max> as CASEs on `q.<date_column>`, for
    a query that wraps the audited rows as `q` (the game file's era starts and values bound
    into `params`); null before the first era, as lookup(). `columns` picks some of them."""
    from psycopg import sql

    from pipeline.silver.eras import ball_range

    values = {"rule_era": [e.name for e in game.eras]}
    for ball in ("white", "special"):
        for i, side in enumerate(("min", "max")):
            values[f"rule_{ball}_{side}"] = [ball_range(e, ball)[i] for e in game.eras]
    for i, era in enumerate(game.eras):
        params[f"rule_start_{i}"] = era.start
    cases = []
    for column in columns or tuple(values):
        cast = "text" if column == "rule_era" else "int"
        whens = []
        for i in reversed(range(len(game.eras))):
            params[f"{column}_{i}"] = values[column][i]
            whens.append(sql.SQL("when q.{} >= {}::date then {}::" + cast).format(
                sql.Identifier(date_column), sql.Placeholder(f"rule_start_{i}"),
                sql.Placeholder(f"{column}_{i}")))
        cases.append(sql.SQL("case {} end as {}").format(sql.SQL(" ").join(whens),
                                                         sql.Identifier(column)))
    return sql.SQL(", ").join(cases)
