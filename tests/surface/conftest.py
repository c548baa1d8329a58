"""A warehouse for the read-only surfaces (show, ticket, report), built once per module.

The shipped NY export in bronze (its ingest's stderr kept for the quiet-logging check), two
models' tickets for every 2025 draw scored by the real evaluate, and pending tickets for
2026-01-03. Commands run in this process through pipeline.cli.main (no 3-7 s GX import per
subprocess).
"""

from __future__ import annotations

import numpy as np
import psycopg
import pytest

from tests.conftest import NY_EXPORT, call_cli
from tests.dbutil import truncate_all
from tests.gold.helpers import draw_dates, model_run, predict

PENDING = "2026-01-03"
FIXED = ([1, 2, 3, 4, 5], 1)


def call(*args: str) -> tuple[int, str, str]:
    """`python -m pipeline *args` in this process: (exit code, stdout, stderr)."""
    done = call_cli(*args)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def surface(database_url):
    truncate_all(database_url)
    code, _, ingest_stderr = call("ingest", "--game", "powerball", "--source", str(NY_EXPORT))
    assert code == 0, ingest_stderr
    rng = np.random.default_rng(13)
    random_tickets = {}
    with psycopg.connect(database_url, autocommit=True) as conn:
        runs = {m: model_run(conn, m) for m in ("fixed", "random")}
        days = draw_dates(conn, "2025-01-01", "2025-12-31")
        for day in [*days, PENDING]:
            predict(conn, "fixed", runs["fixed"], day, 1, *FIXED)
            whites = sorted(rng.choice(np.arange(1, 70), 5, replace=False).tolist())
            special = int(rng.integers(1, 27))
            predict(conn, "random", runs["random"], day, 1, whites, special)
            random_tickets[str(day)] = (whites, special)
    code, _, err = call("evaluate", "--game", "powerball")
    assert code == 0, err
    return {"url": database_url, "ingest_stderr": ingest_stderr, "days_2025": days,
            "random_tickets": random_tickets}
