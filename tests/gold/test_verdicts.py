"""The verdict protocol end to end: real draws never make a winner, a planted bias is confirmed.

Fixed before their data was looked at (issue #11): a backtest of 2024 alone and of 2025 alone
on the shipped Powerball history gives no `beats random`, and the random control is never an
`unconfirmed lead`; a synthetic game whose white numbers 1-10 are drawn twice as often gives
`frequency` the verdict `beats random` and `random` not.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bench import planted
from pipeline.gold.evaluate import evaluate
from pipeline.silver.config import load_config
from pipeline.silver.predict import backtest
from tests.conftest import NY_EXPORT

pytestmark = pytest.mark.integration


@pytest.fixture
def history_source():
    return NY_EXPORT


def _leaderboard(conn, game: str) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in conn.execute(
        "select model_name, verdict, p_value, p_value_adjusted, family_size, verdict_reason"
        " from gold.leaderboard where game = %s", (game,)).fetchall()}


def _sentence(conn, game: str) -> str:
    return conn.execute("select sentence from gold.verdict_summary where game = %s",
                        (game,)).fetchone()[0]


@pytest.mark.parametrize("year", [2024, 2025])
def test_a_year_of_real_draws_makes_no_winner_and_the_control_never_leads(history, conn, year):
    # each year in a warehouse of its own: a copy of the template holding the NY export
    backtest("powerball", dt.date(year, 1, 1), dt.date(year, 12, 31), load_config())
    evaluate("powerball")
    board = _leaderboard(conn, "powerball")
    assert len(board) == 5
    assert not [m for m, row in board.items() if row[0] == "beats random"]
    assert board["random"][0] in ("no evidence", "inconclusive")
    family = {row[3] for row in board.values()}
    assert len(family) == 1 and family.pop() >= 15  # 5 models x 3 metrics at least
    sentence = _sentence(conn, "powerball")
    assert sentence.startswith(("No model beats random", "No verdict"))
    assert f"of {board['random'][3]} tests" in sentence or sentence.startswith("No verdict")


def test_a_planted_bias_is_confirmed_for_frequency_and_not_for_random(db, conn, tmp_path,
                                                                      monkeypatch):
    from pipeline.bronze.ingest import ingest

    games, source = planted.write_history(tmp_path, seed=11, n=1500, bias=2.0)
    monkeypatch.setenv("PIPELINE_GAMES_FILE", str(games))
    last = planted.dates(1500)[-1]
    ingest(planted.GAME, str(source), today=last)
    start = last - dt.timedelta(days=769)
    out = backtest(planted.GAME, start, last, load_config(), "random,frequency")
    assert out["target_draws"] == 770
    evaluate(planted.GAME)
    board = _leaderboard(conn, planted.GAME)
    assert board["frequency"][0] == "beats random", board["frequency"]
    assert board["random"][0] == "no evidence"
    sentence = _sentence(conn, planted.GAME)
    assert sentence.startswith("frequency beats random, confirmed on draws"), sentence
