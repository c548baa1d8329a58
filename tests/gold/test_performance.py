"""gold.model_performance: exact baselines per era, exact p-values, Holm, windows, honesty."""

from __future__ import annotations

import datetime as dt
import tomllib

import numpy as np
import pytest

from pipeline.games import DEFAULT_GAMES_FILE
from pipeline.gold.evaluate import evaluate

pytestmark = pytest.mark.integration


def _eras_from_file() -> dict[str, dict]:
    """The era table read straight from games.toml, independent of pipeline.games."""
    raw = tomllib.loads(DEFAULT_GAMES_FILE.read_text())["games"]["powerball"]["eras"]
    return {str(e["from"]): e for e in raw}


def _rows(conn, where="true"):
    cur = conn.execute(f"select * from gold.model_performance where {where}"  # noqa: S608
                       " order by model_name, era, window_name")
    names = [c.name for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_random_baseline_columns_are_the_exact_values_of_each_era(conn, scenario):
    from scipy.stats import hypergeom

    evaluate("powerball")
    eras = _eras_from_file()
    rows = _rows(conn)
    assert {r["era"] for r in rows} == {"2012-01-15", "2015-10-07"}
    for r in rows:
        e = eras[r["era"]]
        assert abs(r["expected_white_matches"] - 25.0 / e["white_max"]) < 1e-12
        assert abs(r["expected_special_hit_rate"] - 1.0 / e["special_max"]) < 1e-12
        p_any = sum(hypergeom(e["white_max"], 5, 5).pmf(int(t[0]))
                    * (1 / e["special_max"] if t[2] == "1" else 1 - 1 / e["special_max"])
                    for t in e["prizes"])
        assert r["expected_any_prize_rate"] == pytest.approx(p_any, rel=1e-12)
    current = [r for r in rows if r["model_name"] == "random" and r["era"] == "2015-10-07"]
    assert current and all(abs(r["expected_white_matches"] - 25.0 / 69) < 1e-9 for r in current)


def test_counts_and_means_equal_a_sql_recount(conn, scenario):
    evaluate("powerball")
    recount = conn.execute(
        "select model_name, era, count(*), count(distinct target_draw_date),"
        " sum(white_matches)::float / count(*), avg(special_match::int)"
        " from gold.prediction_results group by 1, 2 order by 1, 2").fetchall()
    mine = [(r["model_name"], r["era"], r["n_predictions"], r["n_draws"],
             r["mean_white_matches"], r["special_hit_rate"])
            for r in _rows(conn, "window_name = 'all_time'")]
    assert [m[:4] for m in mine] == [r[:4] for r in recount]
    for m, r in zip(mine, recount, strict=True):
        assert m[4] == pytest.approx(r[4], abs=1e-12)
        assert m[5] == pytest.approx(float(r[5]), abs=1e-12)


def test_one_ticket_p_value_is_the_exact_hypergeometric_convolution(conn, scenario):
    from scipy.stats import hypergeom

    evaluate("powerball")
    for r in _rows(conn, "model_name = 'random'"):
        white_max = _eras_from_file()[r["era"]]["white_max"]
        dist = np.array([1.0])
        for _ in range(r["n_draws"]):
            dist = np.convolve(dist, hypergeom(white_max, 5, 5).pmf(range(6)))
        assert r["p_value"] == pytest.approx(dist[r["total_white_matches"]:].sum(), abs=1e-9)
        assert r["tickets_per_draw_max"] == 1


def test_holm_adjustment_over_every_test_gold_stores_for_the_game(conn, scenario):
    evaluate("powerball")
    pairs = (("p_value", "p_value_adjusted"), ("p_value_special", "p_value_special_adjusted"),
             ("p_value_any_prize", "p_value_any_prize_adjusted"),
             ("log_loss_p_value", "log_loss_p_value_adjusted"))
    rows = _rows(conn)
    cells = [(r[raw], r[adj]) for r in rows for raw, adj in pairs if r[raw] is not None]
    m = len(cells)
    assert m >= 3 * len(rows) - len(rows)  # white and special always, prize where charted
    assert all(r["family_size"] == m for r in rows)
    running = 0.0
    for rank, (raw, adjusted) in enumerate(sorted(cells)):
        running = max(running, min(1.0, (m - rank) * raw))
        assert adjusted == pytest.approx(running, abs=1e-15)
    per_window: dict = {}
    for r in rows:
        per_window.setdefault((r["era"], r["window_name"]), []).append(r)
    assert all(r["n_models_compared"] == len(v) for v in per_window.values() for r in v)


def test_a_model_that_knew_a_few_draws_is_an_unconfirmed_lead_not_a_winner(conn, scenario):
    """The oracle saw the first 3 draws of 2025: a huge exploratory lead, but every one of its
    draws lies before the confirmatory split, so gold cannot confirm it."""
    evaluate("powerball")
    rows = {r[0]: r[1:] for r in conn.execute(
        "select model_name, verdict, selected, confirm_n_draws, verdict_reason"
        " from gold.leaderboard where era = '2015-10-07'").fetchall()}
    assert rows["oracle"][:3] == ("unconfirmed lead", True, 0)
    assert "no later draws" in rows["oracle"][3]
    assert rows["fixed"][0] == rows["random"][0] == "no evidence"
    first = conn.execute("select model_name from gold.leaderboard where game = 'powerball'"
                         " and era = '2015-10-07' limit 1").fetchone()
    assert first == ("oracle",)
    sentence = conn.execute("select sentence from gold.verdict_summary").fetchone()[0]
    assert sentence.startswith("No model beats random yet: oracle leads")


def test_tickets_sharing_a_draw_are_not_counted_as_independent(conn, scenario):
    evaluate("powerball")
    fixed = _rows(conn, "model_name = 'fixed' and window_name = 'all_time'")[0]
    assert fixed["tickets_per_draw_max"] == 2
    assert fixed["n_predictions"] == 2 * fixed["n_draws"]
    assert fixed["p_value_any_prize_method"].startswith("Azuma-Hoeffding")


def test_windows_anchor_on_the_latest_draw_in_bronze(conn, scenario):
    evaluate("powerball")
    dates = [r[0] for r in conn.execute(
        "select draw_date from bronze.draws where game = 'powerball' order by 1")]
    anchor = dates[-1]
    for r in _rows(conn, "model_name = 'random' and era = '2015-10-07'"):
        assert r["window_end"] == anchor
        start = {"all_time": None, "last_52_weeks": anchor - dt.timedelta(days=363),
                 "last_100_draws": dates[-100]}[r["window_name"]]
        assert r["window_start"] == start
        n = conn.execute("select count(*) from gold.prediction_results where model_name ="
                         " 'random' and era = '2015-10-07' and target_draw_date >="
                         " coalesce(%s, '1900-01-01'::date)", (start,)).fetchone()[0]
        assert r["n_predictions"] == n
    assert not _rows(conn, "era = '2012-01-15' and window_name <> 'all_time'")


def test_calibration_against_uniform_on_the_same_draws(conn, scenario):
    import math

    days = scenario["days_2025"][:20]
    rows = [("fixed", "powerball", d, "white", n, 5 / 69) for d in days for n in range(1, 70)]
    rows += [("fixed", "powerball", d, "special", n, 1 / 26) for d in days
             for n in range(1, 27)]
    with conn.cursor() as cur:
        cur.executemany("insert into silver.prediction_scores values (%s,%s,%s,%s,%s,%s)", rows)
    evaluate("powerball")
    r = _rows(conn, "model_name = 'fixed' and window_name = 'all_time'")[0]
    p = 5 / 69
    uniform = -(5 * math.log(p) + 64 * math.log(1 - p)) / 69
    assert r["calibration_n_draws"] == 20
    assert r["white_log_loss"] == pytest.approx(uniform, rel=1e-12)
    assert r["white_log_loss_uniform"] == pytest.approx(uniform, rel=1e-12)
    assert r["white_brier"] == pytest.approx(r["white_brier_uniform"], rel=1e-12)
    assert r["log_loss_p_value"] is None  # identical to uniform: no test to make
    assert _rows(conn, "model_name = 'random'")[0]["white_log_loss"] is None
