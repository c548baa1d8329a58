"""A predictions write's gate evaluates the ticket expectations as one SQL query
(`predict.validate_tickets_sql`); `check predictions` runs the same list through
Great Expectations on a frame of the same rows. On the same staged tickets, damaged in every
way an expectation looks for that the staging table can hold (a repeated key, a ticket number
below 1, a wrong era, whites repeated or not ascending, numbers outside the era's ranges, a
model run that does not exist, a target inside the training window, a target before the first
era), both give every expectation the same name, verdict, unexpected count and sample rows."""

from __future__ import annotations

import uuid

import pytest

from pipeline.db import connect
from pipeline.games import get_game
from pipeline.quality import partitions
from pipeline.silver import predict
from pipeline.silver.eras import era_sql_params
from tests.quality.parity import by_expectation
from tests.silver.helpers import cli_json

pytestmark = pytest.mark.integration

STAGE = """
insert into staging.predictions
select p.*, %(sid)s from silver.predictions p where game = 'powerball'
"""
# (statement on staging.predictions, the model and ticket it damages)
DAMAGE = [
    ("set ticket = 0", "random", 2),
    ("set era = '1900-01-01'", "random", 3),
    ("set white_2 = white_1", "random", 4),
    ("set white_1 = 0", "random", 5),
    ("set white_5 = 99", "random", 6),
    ("set white_2 = white_3, white_3 = white_2", "random", 7),
    ("set white_4 = white_5, white_5 = white_4", "random", 8),
    ("set special_ball = 0", "frequency", 6),
    ("set special_ball = 99", "frequency", 4),
    ("set white_3 = white_4, white_4 = white_3", "frequency", 5),
    ("set model_run_id = gen_random_uuid()", "frequency", 1),
    ("set target_draw_date = '2015-01-07'", "frequency", 2),
    ("set target_draw_date = '1990-01-03'", "frequency", 3),
]
REPEAT = """
insert into staging.predictions
select * from staging.predictions
where staging_id = %(sid)s and model_name = 'random' and ticket = 1
"""


def _both(conn, sid: str):
    game = get_game("powerball")
    params = {**partitions.staged_params("powerball", sid), **era_sql_params(game)}
    in_sql = predict.validate_tickets_sql(conn, game, params)
    for spec, result in zip(predict.expectation_specs(game), in_sql, strict=True):
        for row in result.unexpected_sample:
            assert set(row) == {*predict.SAMPLE_COLUMNS, *spec.columns()}
    in_gx = predict.validate_tickets(conn, game, params)
    cols = predict.SAMPLE_COLUMNS
    return by_expectation(in_sql, cols), by_expectation(in_gx, cols)


def _staged(conn) -> str:
    cli_json("predict", "--game", "powerball", "--for-date", "2026-01-03",
             "--models", "random,frequency", "--tickets", "8")
    sid = str(uuid.uuid4())
    conn.execute(STAGE, {"sid": sid})
    return sid


def test_clean_staged_tickets_pass_both_ways(history):
    with connect(autocommit=True) as conn:
        in_sql, in_gx = _both(conn, _staged(conn))
    assert in_sql == in_gx
    assert all(success and count == 0 for success, count, _ in in_sql.values())
    assert len(in_sql) == len(predict.expectation_specs(get_game("powerball"))) == 27


def test_damaged_tickets_give_the_same_results_both_ways(history):
    with connect(autocommit=True) as conn:
        sid = _staged(conn)
        for change, model, ticket in DAMAGE:
            assert conn.execute(f"update staging.predictions {change} where staging_id = %s"
                                " and model_name = %s and ticket = %s",
                                (sid, model, ticket)).rowcount == 1
        assert conn.execute(REPEAT, {"sid": sid}).rowcount == 1
        in_sql, in_gx = _both(conn, sid)
    names = [s.name for s in predict.expectation_specs(get_game("powerball"))]
    assert list(in_sql) == names
    assert {k: (v, in_gx.get(k)) for k, v in in_sql.items() if v != in_gx.get(k)} == {}
    failed = {name for name, (success, _, _) in in_sql.items() if not success}
    # the table's NOT NULLs and the partition's game leave those expectations nothing to find
    assert failed == set(names) - {
        "expect_column_values_to_be_in_set(game)",
        *[f"expect_column_values_to_not_be_null({c})"
          for c in ("model_name", "model_run_id", "target_draw_date", "ticket",
                    *predict.WHITES, "special_ball", "era")]}
