"""Silver and gold under faults: reruns, two runs of one partition at once. (Late draws:
test_late_corrections, which loads later draws, then the earlier ones, then corrections, and
compares with an in-order load.)

Steps run in-process through `pipeline.cli.main` (warm imports keep the suite fast); the
concurrent runs are forked children (tests/reliability/faults.py), each with its own sessions.
"""

import contextlib
import io
import json

import pytest
from psycopg import sql

from pipeline.cli import main
from tests.conftest import NORMALIZED
from tests.reliability.faults import fork_cli
from tests.reliability.helpers import layer_checksums

pytestmark = [pytest.mark.integration, pytest.mark.slow]
# A rerun, and a rerun over a rerun's state (gold's history has grown): more reruns repeat
# the second from the same published rows.
RERUNS, RACES = 2, 3
GAME = ("--game", "powerball")
FEATURES = ("features", *GAME)
BACKTEST = ("backtest", *GAME, "--from", "2025-10-01", "--to", "2025-12-31")
PREDICT = ("predict", *GAME, "--for-date", "2026-01-03")
EVALUATE = ("evaluate", *GAME)
KEYS = {  # published table -> its primary key
    "silver.number_features": ("game", "draw_date", "ball_type", "number"),
    "silver.predictions": ("model_name", "game", "target_draw_date", "ticket"),
    "silver.prediction_scores": ("model_name", "game", "target_draw_date", "ball_type", "number"),
    "gold.prediction_results": ("model_name", "game", "target_draw_date", "ticket"),
    "gold.model_performance": ("model_name", "game", "era", "window_name"),
}


def step(*args: str) -> dict:
    """One step in-process; its JSON line is the last line it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--log-level", "WARNING", *args])
    assert code == 0, f"{args} exited {code}"
    return json.loads(out.getvalue().strip().splitlines()[-1])


def _table(name: str) -> sql.Identifier:
    return sql.Identifier(*name.split("."))


def _duplicate_keys(conn) -> dict[str, int]:
    out = {}
    for table, key in KEYS.items():
        query = sql.SQL("select count(*) - count(distinct ({})) from {}").format(
            sql.SQL(", ").join(map(sql.Identifier, key)), _table(table))
        out[table] = conn.execute(query).fetchone()[0]
    return out


def test_reruns_of_every_step_leave_identical_checksums(history, conn):
    steps = (FEATURES, BACKTEST, PREDICT, EVALUATE)
    for args in steps:
        step(*args)
    first = layer_checksums(conn)
    assert all(rows > 0 for rows, _ in first.values()), first
    for _ in range(RERUNS):
        for args in (("ingest", *GAME, "--source", str(NORMALIZED)), *steps):
            step(*args)
            assert layer_checksums(conn) == first, args


def _race(args: tuple, tmp_path) -> list:
    """Start two children of the same step at once; each ends 0 or fails with a clean error."""
    children = [fork_cli(list(args), tmp_path) for _ in range(2)]
    codes = []
    for child in children:
        errors = child.stderr.read()
        child.stderr.close()
        code = child.wait()
        if code != 0:  # a clean failure: an `error:` line, exit 1, no traceback
            assert code == 1 and "Traceback" not in errors and "error:" in errors, errors[-2000:]
            code = errors[errors.index("error:"):].splitlines()[0][:160]
        codes.append(code)
    assert 0 in codes, codes
    return codes


def test_two_runs_of_one_partition_at_once_equal_a_single_run(history, conn, tmp_path):
    step(*FEATURES)
    step(*BACKTEST)
    step(*EVALUATE)
    single = layer_checksums(conn)
    outcomes = []
    for _ in range(RACES):
        for args in (BACKTEST, EVALUATE):
            # From nothing published for the step, so both children try to insert every key.
            table = "silver.predictions" if args is BACKTEST else "gold.prediction_results"
            conn.execute("truncate gold.prediction_results, gold.prediction_results_history,"
                         " gold.model_performance")
            if args is BACKTEST:
                conn.execute("truncate silver.prediction_scores, silver.predictions,"
                             " silver.model_runs cascade")
            outcomes.append((args[0], _race(args, tmp_path)))
            if args is BACKTEST:
                step(*EVALUATE)
            count = sql.SQL("select count(*) from {}").format(_table(table))
            assert conn.execute(count).fetchone()[0] > 0
            assert _duplicate_keys(conn) == dict.fromkeys(KEYS, 0)
            assert layer_checksums(conn) == single, args
    print(f"\nconcurrent silver/gold runs (exit codes per pair): {outcomes}")
