"""A features write's gate evaluates the features expectations as one SQL query
(`features.summary_in_sql`); `check features` runs the same list through Great
Expectations on a frame of the same rows. On the same staged rows, damaged in every way an
expectation looks for (nulls, an unknown ball type, wrong and missing eras, a repeated number,
a number out of range, a wrong epoch, counts out of bounds, a date before the first era), both
give every expectation the same name, verdict, unexpected count and sample rows."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from pipeline.db import connect, run_sql
from pipeline.games import get_game
from pipeline.quality import gx_runner, partitions
from pipeline.silver import features
from pipeline.silver.eras import era_sql_params
from pipeline.silver.history import load_timeline
from tests.quality.parity import by_expectation

pytestmark = pytest.mark.integration

STAGED_DRAWS = 30
# (statement, the staged draw it damages by position from the first staged draw)
DAMAGE = [
    ("set hits_50 = null where ball_type = 'white' and number = 1", 0),
    ("set ball_type = 'bonus' where ball_type = 'special'", 1),
    ("set era = '1900-01-01' where ball_type = 'white' and number = 2", 2),
    ("set number = 3 where ball_type = 'white' and number = 4", 3),
    ("set number = 99 where ball_type = 'white' and number = 5", 4),
    ("set history_from = '2000-01-01' where ball_type = 'special'", 5),
    ("set era_draws_before = era_draws_before + 1 where ball_type = 'white' and number = 1", 6),
    ("set hits_era = -1 where ball_type = 'white' and number = 6", 7),
    ("set hits_10 = 11 where ball_type = 'white' and number = 7", 8),
    ("set hits_25 = 26, hits_50 = 51, hits_100 = 101"
     " where ball_type = 'special' and number = 1", 9),
    ("set draws_since_seen = 100000 where ball_type = 'white' and number = 8", 10),
    ("set hits_era = 100000 where ball_type = 'special' and number = 2", 12),
    # before the game's first era: no rule columns at all, and the row's own era null too
    ("set draw_date = '1990-01-01', era = null where ball_type = 'white'", 11),
]


def _staged_write(conn) -> str:
    game = get_game("powerball")
    tl = load_timeline(conn, game)
    first = len(tl) - STAGED_DRAWS
    rows = features.to_frame(tl, features.build(tl), first_row=first)
    marks = pd.DataFrame({"game": game.id,
                          "draw_date": np.datetime_as_string(tl.dates[first:], unit="D"),
                          "record_hash": tl.record_hash[first:]})
    staging_id = str(uuid.uuid4())
    features._stage(conn, features.features_wap(game.id, staging_id), rows, marks)
    return staging_id


def _both(conn, staging_id: str):
    params = {**partitions.staged_params("powerball", staging_id),
              **era_sql_params(get_game("powerball"))}
    with conn.transaction():
        in_sql = features.summary_in_sql(conn, params)
        for spec, result in zip(features.expectation_specs(), in_sql, strict=True):
            for row in result.unexpected_sample:
                assert set(row) == {*features.SAMPLE_COLUMNS, *spec.columns()}
        frame = gx_runner.frame_from_sql(conn, features.SUMMARY_SQL, params)
    in_gx = features.validate_summary(frame, get_game("powerball"))
    cols = features.SAMPLE_COLUMNS
    return by_expectation(in_sql, cols), by_expectation(in_gx, cols)


def test_damaged_rows_give_the_same_results_both_ways(history):
    with connect() as conn:
        staging_id = _staged_write(conn)
        days = [d for (d,) in conn.execute(
            "select distinct draw_date from staging.number_features where staging_id = %s"
            " order by draw_date", (staging_id,))]
        for change, at in DAMAGE:
            conn.execute(f"update staging.number_features {change}"
                         " and staging_id = %s and draw_date = %s", (staging_id, days[at]))
        conn.commit()
        in_sql, in_gx = _both(conn, staging_id)
    assert list(in_sql) == [s.name for s in features.expectation_specs()]
    assert {k: (v, in_gx.get(k)) for k, v in in_sql.items() if v != in_gx.get(k)} == {}
    failed = {name for name, (success, _, _) in in_sql.items() if not success}
    # every expectation but the (draw, ball type) key, unique by construction, is broken
    assert failed == {s.name for s in features.expectation_specs()} - {
        "expect_compound_columns_to_be_unique(draw_date, ball_type)"}


def test_clean_rows_pass_both_ways(history):
    with connect() as conn:
        staging_id = _staged_write(conn)
        conn.commit()
        in_sql, in_gx = _both(conn, staging_id)
        run_sql(conn, "silver/unstage_features.sql", {"game": "powerball"})
        conn.commit()
    assert in_sql == in_gx
    assert all(success and count == 0 for success, count, _ in in_sql.values())
    assert len(in_sql) == len(features.expectation_specs()) == 18
