"""Bronze gate: GX expectations on the draws, SQL audits on the batch and the calendar.

GX checks every row against the rules of its draw date: the key is unique, the recorded
era is the date's era, 5 distinct ascending whites, whites/special in the era's ranges,
multiplier allowed in the era, weekday a draw day of the date's schedule.

The rules come from games.toml: each row gets `rule_*` columns (its date's era, schedule and
ranges), so one vectorised column-pair expectation covers every era at once. Per-era
row-condition expectations would read better but cost ~20 ms each (a pandas query per
expectation): 39 expectations took 0.8 s on the real batch, these 15 take ~0.2 s.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid

from pipeline.bronze import audits as bronze_audits
from pipeline.db import database_url, load_sql
from pipeline.games import WEEKDAYS, Game, get_game
from pipeline.quality import gx_runner, partitions
from pipeline.quality.results import CheckResult

log = logging.getLogger(__name__)
WHITES = ["white_1", "white_2", "white_3", "white_4", "white_5"]
SAMPLE_COLUMNS = ["line_no", "draw_date", *WHITES, "special_ball", "multiplier", "era",
                  "rule_era", "rule_white_max", "rule_special_max", "weekday"]


def _lookup(days, starts: list[dt.date], values: list):
    """values[i] for the last start <= day, None before the first start (vectorised)."""
    import numpy as np

    idx = np.searchsorted(np.array(starts, dtype="datetime64[D]"), days, side="right") - 1
    table = np.array([*values, None], dtype=object)
    return table[np.where(idx >= 0, idx, len(values))]


def add_rule_columns(frame, game: Game):
    """The rules of each row's draw date, as columns GX can compare the row with."""
    import pandas as pd

    dates = pd.to_datetime(frame["draw_date"])
    days = dates.to_numpy(dtype="datetime64[D]")
    starts = [e.start for e in game.eras]
    frame["rule_era"] = _lookup(days, starts, [e.name for e in game.eras])
    for col, attr in (("rule_white_min", "white_min"), ("rule_white_max", "white_max"),
                      ("rule_special_min", "special_min"), ("rule_special_max", "special_max")):
        frame[col] = pd.to_numeric(_lookup(days, starts, [getattr(e, attr) for e in game.eras]))
    frame["rule_schedule"] = _lookup(days, [s.start for s in game.schedules],
                                     [s.start.isoformat() for s in game.schedules])
    frame["weekday"] = dates.dt.dayofweek.map(dict(enumerate(WEEKDAYS))).astype(object)
    # "<era>:<multiplier>" and "<schedule>:<weekday>": one in-set expectation checks every
    # era's allowed multipliers and every schedule's draw days (null multiplier = none drawn).
    mult = frame["multiplier"].astype("Int64").astype(str)
    frame["era_multiplier"] = (frame["rule_era"].astype(str) + ":" + mult).where(
        frame["multiplier"].notna(), None).astype(object)
    frame["schedule_weekday"] = (frame["rule_schedule"].astype(str) + ":"
                                 + frame["weekday"].astype(str)).astype(object)
    return frame


def expectation_list(game: Game) -> list:
    """The bronze expectations, the same 15 for every batch of `game`."""
    E = gx_runner.expectations()
    allowed_multipliers = [f"{e.name}:{m}" for e in game.eras for m in e.multipliers]
    draw_days = [f"{s.start.isoformat()}:{WEEKDAYS[d]}" for s in game.schedules
                 for d in sorted(s.weekdays)]
    return [
        E.ExpectColumnValuesToBeInSet(column="game", value_set=[game.id]),
        E.ExpectCompoundColumnsToBeUnique(column_list=["game", "draw_date"]),
        E.ExpectColumnValuesToNotBeNull(column="rule_era"),
        E.ExpectColumnPairValuesToBeEqual(column_A="era", column_B="rule_era"),
        E.ExpectSelectColumnValuesToBeUniqueWithinRecord(column_list=WHITES),
        *[E.ExpectColumnPairValuesAToBeGreaterThanB(column_A=hi, column_B=lo)
          for lo, hi in zip(WHITES, WHITES[1:], strict=False)],
        # With whites ascending, white_1 >= min and white_5 <= max bound all five.
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="white_1", column_B="rule_white_min",
                                                  or_equal=True),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="rule_white_max", column_B="white_5",
                                                  or_equal=True),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="special_ball",
                                                  column_B="rule_special_min", or_equal=True),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="rule_special_max",
                                                  column_B="special_ball", or_equal=True),
        E.ExpectColumnValuesToBeInSet(column="era_multiplier", value_set=allowed_multipliers),
        E.ExpectColumnValuesToBeInSet(column="schedule_weekday", value_set=draw_days),
    ]


def validate_draws(game: Game, frame) -> list[CheckResult]:
    frame = add_rule_columns(frame, game)
    return gx_runner.validate_frame(frame, expectation_list(game),
                                    name=f"bronze.{game.id}", sample_columns=SAMPLE_COLUMNS)


def _case(rules: list[tuple[dt.date, object]], otherwise=None):
    """CASE picking the value of the last rule start <= draw_date (values from games.toml)."""
    from psycopg import sql

    whens = [sql.SQL("when s.draw_date >= {} then {}").format(sql.Literal(start),
                                                            sql.Literal(value))
             for start, value in reversed(rules)]
    return sql.SQL("case {} else {} end").format(sql.SQL(" ").join(whens),
                                                 sql.Literal(otherwise))


def staged_rules_query(conn, game: Game) -> str:
    """sql/quality/bronze_staged_rules.sql with the game's rules as CASE expressions.

    GX's query asset takes SQL text, so the rules are literals: each is a date, an int or an
    era/weekday name from games.toml, quoted by psycopg (sql.Literal), never raw text. The
    batch id is not in the text: GX binds it as a parameter (a column-value partition).
    """
    from psycopg import sql

    eras = game.eras
    rules = {
        "rule_era": _case([(e.start, e.name) for e in eras]),
        "rule_white_min": _case([(e.start, e.white_min) for e in eras]),
        "rule_white_max": _case([(e.start, e.white_max) for e in eras]),
        "rule_special_min": _case([(e.start, e.special_min) for e in eras]),
        "rule_special_max": _case([(e.start, e.special_max) for e in eras]),
        "rule_schedule": _case([(s.start, s.start.isoformat()) for s in game.schedules]),
        "weekdays": sql.Literal(list(WEEKDAYS)),
    }
    # GX wants the query to start with SELECT: the file's header comment stays in the file.
    body = "\n".join(line for line in load_sql("quality/bronze_staged_rules.sql").splitlines()
                     if not line.startswith("--"))
    text = sql.SQL(body).format(**rules)
    return text.as_string(conn)


def validate_staged(conn, game: Game, batch_id: str, staged: int) -> list[CheckResult]:
    """The 15 expectations on a staged batch, run by GX as SQL where the rows are."""
    if staged == 0:  # GX finds no batch to validate: the (vacuous) frame path says the same
        return validate_draws(game, gx_runner.frame_from_sql(
            conn, "quality/bronze_staged_rows.sql", {"batch_id": batch_id}))
    return gx_runner.validate_sql_query(
        database_url(), staged_rules_query(conn, game), lambda: expectation_list(game),
        name=f"bronze.{game.id}", partition_column="batch_id",
        partition_value=uuid.UUID(str(batch_id)), sample_columns=SAMPLE_COLUMNS,
        element_count=staged)


def check(conn, game_id: str, batch_id: str) -> list[CheckResult]:
    """The gate on a staged batch: SQL audits, then GX on its staged draws."""
    game = get_game(game_id)
    t0 = time.perf_counter()
    results = bronze_audits.batch_counts(conn, batch_id)
    staged = results[-1].observed_value["staged"]
    results.append(bronze_audits.missing_draw_dates(conn, game, batch_id))
    t1 = time.perf_counter()
    results += validate_staged(conn, game, batch_id, staged)
    log.info("bronze suite: %d rows, SQL audits %.3fs, GX %.3fs", staged, t1 - t0,
             time.perf_counter() - t1)
    return results


def check_published(conn, game_id: str, partition: str | None) -> list[CheckResult]:
    """`check bronze` on demand: the published draws of the game against the same rules."""
    game = get_game(game_id)
    date_from, date_to = partitions.date_range("bronze", partition)
    frame = gx_runner.frame_from_sql(conn, "quality/bronze_published_rows.sql", {
        "game": game_id, "date_from": date_from, "date_to": date_to})
    results = [CheckResult("draws_published", len(frame) > 0,
                           observed_value={"rows": len(frame)},
                           unexpected_count=0 if len(frame) else 1)]
    results.append(bronze_audits.missing_draw_dates(conn, game, None, date_from=date_from,
                                                    date_to=date_to))
    return results + validate_draws(game, frame)
