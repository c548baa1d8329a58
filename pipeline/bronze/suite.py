"""Bronze gate: expectations on the draws, SQL audits on the batch and the calendar.

The expectations check every row against the rules of its draw date: the key is unique, the
recorded era is the date's era, 5 distinct ascending whites, whites/special in the era's
ranges, multiplier allowed in the era, weekday a draw day of the date's schedule.

The rules come from games.toml: each row gets `rule_*` columns (its date's era, schedule and
ranges), so one column-pair expectation covers every era at once. The list is data (GX types
and kwargs, `expectation_specs`): a staged batch is checked by `quality.gate` as one
query where the rows are (~10 ms for 20,000 rows, against ~0.4 s of Great Expectations' fixed
Python cost per game and its 3 s import); `check bronze` runs the same list through GX on a
frame of the published draws.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from psycopg import sql

from pipeline.bronze import audits as bronze_audits
from pipeline.db import load_sql
from pipeline.games import WEEKDAYS, Game, get_game
from pipeline.quality import gate, gx_runner, partitions
from pipeline.quality.gate import Spec
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


def expectation_specs(game: Game) -> list[Spec]:
    """The bronze expectations, the same 15 for every batch of `game` (GX types and kwargs)."""
    allowed_multipliers = [f"{e.name}:{m}" for e in game.eras for m in e.multipliers]
    draw_days = [f"{s.start.isoformat()}:{WEEKDAYS[d]}" for s in game.schedules
                 for d in sorted(s.weekdays)]

    def greater(a: str, b: str, **kw) -> Spec:
        return Spec("expect_column_pair_values_a_to_be_greater_than_b",
                    {"column_A": a, "column_B": b, **kw})

    return [
        Spec("expect_column_values_to_be_in_set", {"column": "game", "value_set": [game.id]}),
        Spec("expect_compound_columns_to_be_unique", {"column_list": ["game", "draw_date"]}),
        Spec("expect_column_values_to_not_be_null", {"column": "rule_era"}),
        Spec("expect_column_pair_values_to_be_equal", {"column_A": "era",
                                                       "column_B": "rule_era"}),
        Spec("expect_select_column_values_to_be_unique_within_record",
             {"column_list": WHITES}),
        *[greater(hi, lo) for lo, hi in zip(WHITES, WHITES[1:], strict=False)],
        # With whites ascending, white_1 >= min and white_5 <= max bound all five.
        greater("white_1", "rule_white_min", or_equal=True),
        greater("rule_white_max", "white_5", or_equal=True),
        greater("special_ball", "rule_special_min", or_equal=True),
        greater("rule_special_max", "special_ball", or_equal=True),
        Spec("expect_column_values_to_be_in_set", {"column": "era_multiplier",
                                                   "value_set": allowed_multipliers}),
        Spec("expect_column_values_to_be_in_set", {"column": "schedule_weekday",
                                                   "value_set": draw_days}),
    ]


def expectation_list(game: Game) -> list:
    """The bronze expectations as GX objects (the frame path of `check bronze`)."""
    E = gx_runner.expectations()
    return [spec.to_gx(E) for spec in expectation_specs(game)]


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

    The rules are literals: each is a date, an int or an era/weekday name from games.toml,
    quoted by psycopg (sql.Literal), never raw text. The batch id is not in the text: the
    caller binds it as a parameter.
    """
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
    # The text is wrapped as a subquery: the file's header comment stays in the file.
    body = "\n".join(line for line in load_sql("quality/bronze_staged_rules.sql").splitlines()
                     if not line.startswith("--"))
    text = sql.SQL(body).format(**rules)
    return text.as_string(conn)


def validate_staged(conn, game: Game, batch_id: str) -> list[CheckResult]:
    """The 15 expectations on a staged batch, as one query where the rows are (no GX: its
    import and per-validation Python cost were most of a per-game ingest)."""
    # The rules are quoted literals inside the text; a literal '%' must not read as a
    # placeholder once the batch id is bound.
    rows = sql.SQL("select * from ({}) q where q.batch_id = %(batch_id)s").format(
        sql.SQL(staged_rules_query(conn, game).replace("%", "%%")))
    return gate.validate_query(
        conn, rows, {"batch_id": batch_id}, expectation_specs(game),
        sample_columns=SAMPLE_COLUMNS, order_by="line_no")


def check(conn, game_id: str, batch_id: str) -> list[CheckResult]:
    """The gate on a staged batch: SQL audits, then GX on its staged draws."""
    game = get_game(game_id)
    t0 = time.perf_counter()
    results = bronze_audits.batch_counts(conn, batch_id)
    staged = results[-1].observed_value["staged"]
    results.append(bronze_audits.missing_draw_dates(conn, game, batch_id))
    t1 = time.perf_counter()
    results += validate_staged(conn, game, batch_id)
    log.info("bronze suite: %d rows, SQL audits %.3fs, expectations %.3fs", staged, t1 - t0,
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
