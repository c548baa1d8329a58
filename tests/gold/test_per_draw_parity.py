"""evaluate builds its per-draw frame from SQL totals (per_draw_from_totals); the calibration
bench (bench/verdict_calibration.py, the verdict protocol's measured false-positive rate) builds
it from result tuples (per_draw). Both must give the same frame, or the calibration measures
other code than gold runs. The scenario has draws with one ticket and with two."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from psycopg import sql

from pipeline.db import run_sql
from pipeline.games import get_game
from pipeline.gold.performance import (
    KEYS,
    RESULT_COLUMNS,
    outcome_params,
    per_draw,
    per_draw_from_totals,
)

pytestmark = pytest.mark.integration


def test_totals_from_sql_give_the_frame_results_give(conn, scenario):
    game = get_game("powerball")
    params = {"game": game.id, "staging_id": uuid.uuid4()}
    with conn.transaction(force_rollback=True):
        run_sql(conn, "gold/clear_staging.sql", params)
        run_sql(conn, "gold/score_predictions.sql", {**params, **outcome_params(game)})
        totals = run_sql(conn, "gold/staged_draws.sql", params).fetchall()
        shared = run_sql(conn, "gold/staged_shared_tickets.sql", params).fetchall()
        configs = {str(run): cid for run, cid, _ in
                   run_sql(conn, "gold/model_configs.sql", params).fetchall()}
        results = conn.execute(sql.SQL(
            "select {} from staging.prediction_results where staging_id = %(staging_id)s"
        ).format(sql.SQL(", ").join(map(sql.Identifier, RESULT_COLUMNS))), params).fetchall()
    assert any(row[4] > 1 for row in totals) and any(row[4] == 1 for row in totals)
    from_sql = per_draw_from_totals(totals, shared, game)
    from_results = per_draw(results, game, configs)
    assert len(from_sql) == len(from_results) == len(totals)
    columns = [*KEYS, "k", "white", "special", "prize_hits", "jackpot_hits", "prize_sum"]
    assert (from_sql[columns].to_dict("records")
            == from_results[columns].to_dict("records"))
    for column in ("white_pmf", "special_pmf"):
        for a, b in zip(from_sql[column], from_results[column], strict=True):
            assert np.array_equal(np.asarray(a), np.asarray(b))
