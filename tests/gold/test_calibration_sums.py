"""gold.calibration_sums: the per-(model, draw) calibration sums evaluate keeps instead of
re-reading every per-number score. After a rescore (new model run, new scores), a late draw
correction (new bronze record hash) and a deleted prediction, the stored sums equal a fresh
recount from silver.prediction_scores, and the performance published from them equals the one
published after recomputing every sum."""

from __future__ import annotations

import pytest

from pipeline.gold.evaluate import evaluate
from tests.gold.helpers import model_run, predict

pytestmark = pytest.mark.integration

# 4503599627370496 = 2^52: the exact integer units of stage_calibration_sums.sql
RECOUNT = """
select s.model_name, s.target_draw_date, s.ball_type, count(*) as n_numbers,
       sum(((case when s.drawn then -ln(s.p) else -ln(1 - s.p) end) * 4503599627370496.0)::int8),
       sum((power(s.p - case when s.drawn then 1 else 0 end, 2) * 4503599627370496.0)::int8)
from (select s.model_name, s.target_draw_date, s.ball_type,
             greatest(least(s.score, 1 - 1e-12), 1e-12) as p,
             case when s.ball_type = 'white'
                  then s.number in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5)
                  else s.number = d.special_ball end as drawn
      from silver.prediction_scores s
      join bronze.draws d on d.game = s.game and d.draw_date = s.target_draw_date
      where s.game = 'powerball'
        and exists (select 1 from silver.predictions p
                    where p.model_name = s.model_name and p.game = s.game
                      and p.target_draw_date = s.target_draw_date)) s
group by 1, 2, 3
order by 1, 2, 3
"""
STORED = """
select c.model_name, c.target_draw_date, b.ball_type, b.n_numbers, b.log_loss_units,
       b.brier_units
from gold.calibration_sums c
cross join lateral (values ('white', c.white_numbers, c.white_log_loss_units,
                            c.white_brier_units),
                           ('special', c.special_numbers, c.special_log_loss_units,
                            c.special_brier_units))
    as b(ball_type, n_numbers, log_loss_units, brier_units)
where c.game = 'powerball' and b.n_numbers is not null
order by 1, 2, 3
"""


def _scores(conn, model: str, days, wobble: int) -> None:
    """A probability for every number of each day's draw (deterministic, away from uniform)."""
    rows = []
    for i, day in enumerate(days):
        for ball, width, picks in (("white", 69, 5), ("special", 26, 1)):
            for n in range(1, width + 1):
                bump = 0.5 + ((n * 7 + i * 13 + wobble) % 11) / 10
                rows.append((model, "powerball", day, ball, n, picks / width * bump))
    with conn.cursor() as cur:
        cur.executemany("insert into silver.prediction_scores values (%s,%s,%s,%s,%s,%s)",
                        rows)


def _performance(conn) -> list[tuple]:
    return conn.execute("select * from gold.model_performance"
                        " order by model_name, era, window_name").fetchall()


def test_stored_sums_follow_rescores_corrections_and_deletions(conn, scenario):
    days = scenario["days_2025"][:12]
    _scores(conn, "fixed", days, 0)
    _scores(conn, "random", days, 3)
    evaluate("powerball")
    recount = conn.execute(RECOUNT).fetchall()
    assert recount and conn.execute(STORED).fetchall() == recount
    # sums exist for every scored (model, draw), with its run and the draw's revision
    assert conn.execute("select count(*) from gold.calibration_sums c where c.game ="
                        " 'powerball' and not exists (select 1 from gold.prediction_results r"
                        " where r.model_name = c.model_name and r.game = c.game and"
                        " r.target_draw_date = c.target_draw_date and r.model_run_id ="
                        " c.model_run_id and r.draw_record_hash = c.draw_record_hash)"
                        ).fetchone()[0] == 0

    # a rescore as silver publishes it: the (model, draw)'s tickets and scores replaced
    # together under a new model run
    rescored, rerun = days[2], model_run(conn, "fixed")
    conn.execute("delete from silver.prediction_scores where model_name = 'fixed'"
                 " and target_draw_date = %s", (rescored,))
    predict(conn, "fixed", rerun, rescored, 1, [1, 2, 3, 4, 5], 1)
    predict(conn, "fixed", rerun, rescored, 2, [1, 2, 3, 4, 6], 2)
    _scores(conn, "fixed", [rescored], 5)
    # a late correction of a draw in bronze (its values and record hash change)
    corrected = days[4]
    conn.execute("update bronze.draws set special_ball = special_ball %% 26 + 1,"
                 " record_hash = md5(record_hash) where game = 'powerball' and draw_date = %s",
                 (corrected,))
    # a prediction deleted with its scores
    deleted = days[6]
    for table in ("silver.prediction_scores", "silver.predictions"):
        conn.execute(f"delete from {table} where model_name = 'random'"  # noqa: S608
                     " and target_draw_date = %s", (deleted,))
    evaluate("powerball")
    assert conn.execute(STORED).fetchall() == conn.execute(RECOUNT).fetchall()
    assert not conn.execute("select 1 from gold.calibration_sums where model_name = 'random'"
                            " and target_draw_date = %s", (deleted,)).fetchall()
    incremental = _performance(conn)

    # a rerun changes nothing; recomputing every sum publishes the same performance
    evaluate("powerball")
    assert _performance(conn) == incremental
    conn.execute("delete from gold.calibration_sums")
    evaluate("powerball")
    assert conn.execute(STORED).fetchall() == conn.execute(RECOUNT).fetchall()
    assert _performance(conn) == incremental
