"""A controlled gold scenario on the real Powerball history: three models, two eras, pending.

The history comes from the `history` fixture (a copy of a template database, no ingest)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.gold.helpers import draw, draw_dates, model_run, predict

ORACLE_DAYS = 3          # the 'oracle' knows the first few 2025 draws: jackpots
PENDING_DAY = "2026-01-03"  # not in the data: stays pending


def build_scenario(conn) -> dict:
    """The scenario's silver rows, on a database that already holds the history."""
    days_2025 = draw_dates(conn, "2025-01-01", "2025-12-31")
    days_2013 = draw_dates(conn, "2013-01-01", "2013-06-30")
    runs = {m: model_run(conn, m) for m in ("oracle", "fixed", "random")}
    rng = np.random.default_rng(20250101)
    for day in days_2025[:ORACLE_DAYS]:
        whites, special = draw(conn, day)
        predict(conn, "oracle", runs["oracle"], day, 1, whites, special)
    for day in days_2025:
        # two overlapping tickets per draw: not independent evidence
        predict(conn, "fixed", runs["fixed"], day, 1, [1, 2, 3, 4, 5], 1)
        predict(conn, "fixed", runs["fixed"], day, 2, [1, 2, 3, 4, 6], 2)
    for day, white_max, special_max in ([(d, 69, 26) for d in days_2025]
                                        + [(d, 59, 35) for d in days_2013]):
        whites = rng.choice(np.arange(1, white_max + 1), 5, replace=False).tolist()
        predict(conn, "random", runs["random"], day, 1, whites,
                int(rng.integers(1, special_max + 1)))
    predict(conn, "fixed", runs["fixed"], PENDING_DAY, 1, [1, 2, 3, 4, 5], 1)
    return {"runs": runs, "days_2025": days_2025, "days_2013": days_2013}


@pytest.fixture
def scenario(history, conn):
    return build_scenario(conn)
