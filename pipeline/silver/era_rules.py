"""The game definition's rules as columns beside each row, so one GX expectation checks every era.

Like bronze's rule columns (its gate, bronze/ingest.py): a row dated D gets the era of D and
that era's ranges (and the range epoch each ball type's counts start from), looked up from
games.toml by date (games.by_date).
"""

from __future__ import annotations

from pipeline.games import Game, by_date


def add_era_columns(frame, game: Game, date_column: str):
    """rule_era, and rule_white_* and rule_special_* (min, max, from: the range epoch)."""
    import pandas as pd

    from pipeline.silver.eras import ball_range, epoch_starts

    days = pd.to_datetime(frame[date_column]).to_numpy(dtype="datetime64[D]")
    starts = [e.start for e in game.eras]
    frame["rule_era"] = by_date(days, starts, [e.name for e in game.eras])
    for ball in ("white", "special"):
        for i, side in enumerate(("min", "max")):
            frame[f"rule_{ball}_{side}"] = pd.to_numeric(
                by_date(days, starts, [ball_range(e, ball)[i] for e in game.eras]))
        frame[f"rule_{ball}_from"] = by_date(days, starts, epoch_starts(game, ball))
    return frame


def sql_columns(game: Game, params: dict, date_column: str,
                columns: tuple[str, ...] | None = None):
    """add_era_columns' rule_era and rule_<ball>_<min|max> as CASEs on `q.<date_column>`, for
    a query that wraps the audited rows as `q` (the game file's era starts and values bound
    into `params`); null before the first era, as by_date(). `columns` picks some of them."""
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
