"""evaluate on a controlled scenario: every known draw scored, recounts, idempotence."""

from __future__ import annotations

import pytest

from pipeline.gold.evaluate import evaluate
from tests.gold.helpers import snapshot

pytestmark = pytest.mark.integration

# An independent recount: set intersection in SQL, nothing shared with the Python scorer.
RECOUNT = """
select p.model_name, p.target_draw_date, p.ticket,
       cardinality(array(select unnest(array[p.white_1, p.white_2, p.white_3, p.white_4,
                                             p.white_5])
                         intersect
                         select unnest(array[d.white_1, d.white_2, d.white_3, d.white_4,
                                             d.white_5]))) as whites,
       p.special_ball = d.special_ball as special
from silver.predictions p join bronze.draws d
  on d.game = p.game and d.draw_date = p.target_draw_date
order by 1, 2, 3
"""


def test_every_prediction_with_a_known_draw_is_scored(conn, scenario):
    result = evaluate("powerball")
    recount = conn.execute(RECOUNT).fetchall()
    scored = conn.execute(
        "select model_name, target_draw_date, ticket, white_matches, special_match"
        " from gold.prediction_results order by 1, 2, 3").fetchall()
    assert scored == recount
    assert result["scored"] == len(recount) > 0
    assert result["pending"] == 1
    assert result["inserted"] == len(recount)


def test_oracle_hits_are_flagged_jackpots_without_a_prize_amount(conn, scenario):
    evaluate("powerball")
    rows = conn.execute(
        "select white_matches, special_match, prize_tier, is_jackpot, prize_usd"
        " from gold.prediction_results where model_name = 'oracle'").fetchall()
    assert rows and all(r == (5, True, "5+1", True, None) for r in rows)


def test_reevaluating_changes_nothing(conn, scenario):
    evaluate("powerball")
    tables = ("gold.prediction_results", "gold.model_performance",
              "gold.prediction_results_history", "gold.number_counts", "gold.era_baselines")
    before = {t: snapshot(conn, t) for t in tables}
    again = evaluate("powerball")
    assert (again["inserted"], again["rescored"], again["removed"], again["archived"]) == (
        0, 0, 0, 0)
    assert {t: snapshot(conn, t) for t in tables} == before
    assert conn.execute("select count(*) from staging.prediction_results").fetchone()[0] == 0


def test_pending_prediction_is_scored_once_its_draw_lands(conn, scenario, tmp_path):
    from pipeline.bronze.ingest import ingest

    assert evaluate("powerball")["pending"] == 1
    csv = tmp_path / "new.csv"
    csv.write_text("draw_date,white_1,white_2,white_3,white_4,white_5,powerball,multiplier\n"
                   "2026-01-03,1,2,3,40,50,1,2\n")
    ingest("powerball", str(csv), today=__import__("datetime").date(2026, 1, 4))
    result = evaluate("powerball")
    assert (result["pending"], result["inserted"], result["rescored"]) == (0, 1, 0)
    row = conn.execute("select white_matches, special_match, prize_tier, prize_usd"
                       " from gold.prediction_results where target_draw_date = '2026-01-03'"
                       ).fetchone()
    assert row[:3] == (3, True, "3+1") and float(row[3]) == 100.0


def test_a_revised_draw_rescores_its_predictions_and_keeps_history(conn, scenario, tmp_path):
    from pipeline.bronze.ingest import ingest

    evaluate("powerball")
    day = scenario["days_2025"][0]
    old = conn.execute("select evaluated_at, white_matches from gold.prediction_results"
                       " where target_draw_date <> %s order by 1", (day,)).fetchall()
    csv = tmp_path / "revised.csv"
    csv.write_text("draw_date,white_1,white_2,white_3,white_4,white_5,powerball,multiplier\n"
                   f"{day},1,2,3,4,5,1,2\n")
    assert ingest("powerball", str(csv), today=day)["revised"] == 1
    result = evaluate("powerball")
    n_day = conn.execute("select count(*) from silver.predictions where target_draw_date = %s",
                         (day,)).fetchone()[0]
    assert result["rescored"] == n_day and result["inserted"] == 0
    fixed = conn.execute("select white_matches, special_match, prize_tier from"
                         " gold.prediction_results where model_name = 'fixed' and ticket = 1"
                         " and target_draw_date = %s", (day,)).fetchone()
    assert fixed == (5, True, "5+1")
    history = conn.execute("select superseded_reason, count(*) from"
                           " gold.prediction_results_history group by 1").fetchall()
    assert history == [("draw_revised", n_day)]
    assert conn.execute("select evaluated_at, white_matches from gold.prediction_results"
                        " where target_draw_date <> %s order by 1", (day,)).fetchall() == old
    assert conn.execute(RECOUNT).fetchall() == conn.execute(
        "select model_name, target_draw_date, ticket, white_matches, special_match"
        " from gold.prediction_results order by 1, 2, 3").fetchall()


def test_a_replaced_prediction_is_rescored_and_the_old_result_archived(conn, scenario):
    from tests.gold.helpers import draw, model_run, predict

    evaluate("powerball")
    day = scenario["days_2025"][5]
    whites, special = draw(conn, day)
    predict(conn, "random", model_run(conn, "random"), day, 1, whites, special)
    conn.execute("delete from silver.predictions where model_name = 'fixed' and ticket = 2"
                 " and target_draw_date = %s", (day,))
    result = evaluate("powerball")
    assert (result["rescored"], result["removed"], result["archived"]) == (1, 1, 2)
    reasons = dict(conn.execute("select superseded_reason, count(*) from"
                                " gold.prediction_results_history group by 1").fetchall())
    assert reasons == {"prediction_replaced": 1, "source_removed": 1}
    assert conn.execute("select prize_tier from gold.prediction_results where"
                        " model_name = 'random' and target_draw_date = %s", (day,)
                        ).fetchone() == ("5+1",)
