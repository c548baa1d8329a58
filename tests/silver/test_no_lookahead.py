"""No look-ahead: predictions for a draw are identical whether or not later draws are loaded."""

from __future__ import annotations

import pytest

from pipeline.silver.models.registry import MODELS
from tests.conftest import NORMALIZED
from tests.silver.helpers import cli_json, ingest, ingest_until

pytestmark = pytest.mark.integration

TARGET = "2024-07-01"  # a Monday draw
TICKETS = ("select model_name, ticket, white_1, white_2, white_3, white_4, white_5, special_ball"
           " from silver.predictions where target_draw_date = %s order by 1, 2")
SCORES = ("select model_name, ball_type, number, score from silver.prediction_scores"
          " where target_draw_date = %s order by 1, 2, 3")


def _predict(conn, *extra):
    cli_json("predict", "--game", "powerball", "--for-date", TARGET, "--models",
             ",".join(MODELS), "--tickets", "3", *extra)
    return conn.execute(TICKETS, (TARGET,)).fetchall(), conn.execute(SCORES, (TARGET,)).fetchall()


def test_predict_ignores_later_draws(conn, tmp_path):
    ingest_until(tmp_path, "2024-06-29")  # the target's result is not even in bronze
    tickets_before, scores_before = _predict(conn)
    assert {r[0] for r in tickets_before} == set(MODELS)
    ingest(NORMALIZED)  # now the target and 18 months after it are known
    tickets_after, scores_after = _predict(conn)
    assert tickets_after == tickets_before
    assert scores_after == scores_before
    last = conn.execute("select max(train_last_draw) from silver.model_runs").fetchone()[0]
    assert str(last) == "2024-06-29"


def test_backtest_ignores_later_draws(conn, tmp_path):
    window = ("--from", "2024-05-01", "--to", "2024-06-29", "--retrain-every", "7")
    ingest_until(tmp_path, "2024-06-29")
    cli_json("backtest", "--game", "powerball", *window)
    snapshot = ("select model_name, target_draw_date, white_1, white_2, white_3, white_4,"
                " white_5, special_ball from silver.predictions order by 1, 2")
    before = conn.execute(snapshot).fetchall()
    ingest(NORMALIZED)
    cli_json("backtest", "--game", "powerball", *window)
    assert conn.execute(snapshot).fetchall() == before
