"""`predict`: every model, valid tickets and scores for the era, reruns, overrides, errors."""

from __future__ import annotations

import pytest

from pipeline.silver.models.registry import MODELS
from tests.conftest import call_cli
from tests.silver.helpers import cli_json

pytestmark = pytest.mark.integration

TARGET = "2026-01-03"
TICKETS = ("select model_name, ticket, white_1, white_2, white_3, white_4, white_5, special_ball"
           " from silver.predictions where target_draw_date = %s order by 1, 2")


def _counts(conn):
    return conn.execute("select (select count(*) from silver.predictions),"
                        " (select count(*) from silver.prediction_scores),"
                        " (select count(*) from silver.model_runs)").fetchone()


def test_predict_next_draw_with_every_model_then_rerun(conn, history):
    out = cli_json("predict", "--game", "powerball", "--for-date", TARGET,
                   "--models", ",".join(MODELS))
    assert out["last_draw_used"] == "2025-12-31" and out["history_draws"] == 1889
    rows = conn.execute(TICKETS, (TARGET,)).fetchall()
    assert sorted(r[0] for r in rows) == sorted(MODELS)
    for _name, _ticket, *whites, special in rows:
        whites = whites[:5]
        assert whites == sorted(set(whites)) and 1 <= whites[0] and whites[-1] <= 69
        assert 1 <= special <= 26
    # each model's white scores sum to 5 and special scores to 1, over exactly 69 + 26 numbers
    sums = conn.execute("select model_name, ball_type, count(*), sum(score), min(score),"
                        " max(score) from silver.prediction_scores group by 1, 2").fetchall()
    assert len(sums) == 2 * len(MODELS)
    for _m, ball, n, total, low, high in sums:
        assert (n, round(total, 9)) == ((69, 5.0) if ball == "white" else (26, 1.0))
        assert 0 <= low <= high <= 1
    # the top-scored numbers are ticket 1 (ties aside) for a deterministic rule, e.g. frequency
    top = conn.execute("select array_agg(number order by number) from (select number from"
                       " silver.prediction_scores where model_name = 'frequency' and ball_type ="
                       " 'white' order by score desc limit 5) t").fetchone()[0]
    freq = [r for r in rows if r[0] == "frequency"][0]
    scores = dict(conn.execute("select number, score from silver.prediction_scores where"
                               " model_name = 'frequency' and ball_type = 'white'").fetchall())
    assert sorted(scores[n] for n in freq[2:7]) == sorted(scores[n] for n in top)
    # score-only models use every draw before the target; fitted models the rows before the
    # latest multiple of retrain_every (50) at or before the target's row 1889: a backtest's
    # fit point for the same draw
    fitted_until = conn.execute("select draw_date from bronze.draws where game = 'powerball'"
                                " order by draw_date offset 1849 limit 1").fetchone()[0]
    runs = dict(conn.execute("select model_name, train_last_draw from silver.model_runs"
                             " where n_train_draws >= 1").fetchall())
    assert sorted(runs) == sorted(MODELS)
    assert {m: str(d) for m, d in runs.items()} == {
        m: str(fitted_until) if m in ("logistic", "gbm") else "2025-12-31" for m in MODELS}
    before = _counts(conn)
    cli_json("predict", "--game", "powerball", "--for-date", TARGET, "--models", ",".join(MODELS))
    assert _counts(conn) == before
    assert conn.execute(TICKETS, (TARGET,)).fetchall() == rows


def test_default_models_are_at_least_five(conn, history):
    cli_json("predict", "--game", "powerball", "--for-date", TARGET)
    n = conn.execute("select count(distinct model_name) from silver.predictions"
                     " where target_draw_date = %s", (TARGET,)).fetchone()[0]
    assert n >= 5


def test_tickets_and_params_override(conn, tmp_path, history):
    config = tmp_path / "silver.toml"
    config.write_text("[models.frequency]\nwindow = 25\n")
    out = cli_json("predict", "--game", "powerball", "--for-date", TARGET, "--tickets", "4",
                   "--models", "frequency,gbm", "--config", str(config),
                   "--param", "gbm.max_iter=10")
    assert out["predictions"] == 8
    tickets = conn.execute("select model_name, count(distinct (white_1, white_2, white_3,"
                           " white_4, white_5, special_ball)) from silver.predictions"
                           " group by 1").fetchall()
    assert sorted(tickets) == [("frequency", 4), ("gbm", 4)]
    params = dict(conn.execute("select model_name, params from silver.model_runs").fetchall())
    assert params["frequency"]["window"] == 25 and params["gbm"]["max_iter"] == 10


@pytest.mark.parametrize("args, message", [
    (("--for-date", "2026-01-04"), "not a powerball draw day"),
    (("--for-date", TARGET, "--models", "random,psychic"), "unknown model 'psychic'"),
    (("--for-date", "2010-01-30"), "no powerball draws before 2010-01-30"),
    (("--for-date", TARGET, "--param", "gbm.max_iters=3"), "unknown setting 'max_iters'"),
    (("--for-date", TARGET, "--tickets", "0"), "must be at least 1"),
])
def test_bad_input_is_a_clear_error(conn, args, message, history):
    proc = call_cli("predict", "--game", "powerball", *args)
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr[-500:]
    assert _counts(conn) == (0, 0, 0)


def test_unknown_game_is_refused(db):
    proc = call_cli("predict", "--game", "keno", "--for-date", TARGET)
    assert proc.returncode != 0 and "unknown game 'keno'" in proc.stderr
