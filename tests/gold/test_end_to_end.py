"""The real chain: ingest, silver features and backtest, predict, evaluate, report, queries.

Steps run in-process on a copy of the ingested history; tests/system/test_cli_contract.py runs
each command as a process."""

from __future__ import annotations

import re

import pytest

from tests.conftest import call_cli, last_json
from tests.gold.test_evaluate import RECOUNT
from tests.gold.test_queries import assert_every_query_answers

pytest.importorskip("pipeline.silver.predict")
pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def real_chain(history, conn):
    # Silver's own gates are tested by silver and quality; skipping them here keeps this test
    # about gold on silver's real output (the gold gate itself runs).
    silver = ("--game", "powerball", "--skip-checks")
    call_cli("features", *silver, check=True)
    call_cli("backtest", *silver, "--from", "2025-10-01", "--to", "2025-12-31", check=True)
    call_cli("predict", *silver, "--for-date", "2026-01-03", check=True)
    return last_json(call_cli("evaluate", "--game", "powerball", check=True))


def test_evaluate_scores_the_real_backtest(conn, real_chain, tmp_path):
    known = conn.execute(
        "select count(*) from silver.predictions p join bronze.draws d"
        " on d.game = p.game and d.draw_date = p.target_draw_date").fetchone()[0]
    pending = conn.execute("select count(*) from silver.predictions"
                           " where target_draw_date = '2026-01-03'").fetchone()[0]
    assert real_chain["scored"] == known > 0 and real_chain["pending"] == pending > 0
    assert conn.execute(RECOUNT).fetchall() == conn.execute(
        "select model_name, target_draw_date, ticket, white_matches, special_match"
        " from gold.prediction_results order by 1, 2, 3").fetchall()
    random = conn.execute("select count(*) from gold.model_performance where model_name ="
                          " 'random' and abs(expected_white_matches - 25.0/69) < 1e-9"
                          ).fetchone()[0]
    assert random == 3  # all_time, last_52_weeks, last_100_draws of the current era
    # honesty: a verdict of "better" exists only where the adjusted exact p-value says so
    for verdict, p_adj in conn.execute("select verdict, p_value_adjusted from gold.leaderboard"):
        assert verdict.startswith("better") == (p_adj < 0.05)
    again = last_json(call_cli("evaluate", "--game", "powerball", check=True))
    assert (again["inserted"], again["rescored"], again["removed"]) == (0, 0, 0)
    assert_every_query_answers(conn)


def test_report_is_one_self_contained_html_file(conn, real_chain, tmp_path):
    out = tmp_path / "report.html"
    result = last_json(call_cli("report", "--game", "powerball", "--out", str(out), check=True))
    page = out.read_text()
    images = re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)
    assert result["figures"] == len(images) >= 4  # matches over time, tiers, 2 frequencies
    assert not re.search(r'(src|href)="(http|/|\.)', page)  # nothing fetched from elsewhere
    assert "Leaderboard" in page and "random" in page
