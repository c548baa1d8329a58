"""Walk-forward backtest of every default model over the real Powerball history (since 2010).

Reference, measured in the same run: the same backtest over the last year's draws only. Each
line reports wall time, peak RSS, the time per predicted draw and where the time went
(compute = features + fits + scores + tickets; stage = COPY; gate; publish). ratio = the
reference's draws/s over this line's draws/s inverted as harness.emit does (1.0 = same rate).
`--rows N` backtests the last N draws instead of the whole history.
"""

from __future__ import annotations

import datetime as dt
import os

from bench.common import scratch_database
from bench.harness import emit, measure

FULL_FROM, LAST = dt.date(2010, 2, 6), dt.date(2025, 12, 31)


def _ingest(url: str) -> None:
    from pipeline.bronze.ingest import ingest
    from pipeline.paths import data_dir

    ingest("powerball", str(data_dir() / "powerball" / "draws_2010_2025.csv"))


def _first_of_last(url: str, rows: int) -> dt.date:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("select min(draw_date) from (select draw_date from bronze.draws"
                            " where game = 'powerball' order by draw_date desc limit %s) t",
                            (rows,)).fetchone()[0]


def _backtest(start: dt.date, end: dt.date) -> dict:
    from pipeline.silver.config import load_config
    from pipeline.silver.predict import backtest

    out = backtest("powerball", start, end, load_config())
    keys = ("target_draws", "fits", "model_runs", "predictions", "scores", "compute_seconds",
            "stage_seconds", "gate_seconds", "publish_seconds")
    return {k: out[k] for k in keys}


def run(rows: int | None) -> None:
    with scratch_database("drawpipe_bench_silver") as url:
        os.environ["PIPELINE_DATABASE_URL"] = url
        _ingest(url)
        ref = measure(_backtest, dt.date(2025, 1, 1), LAST)
        ref_rows = ref["target_draws"]
        emit("silver_backtest.last_year", ref_rows, ref, None,
             seconds_per_draw=round(ref["seconds"] / ref_rows, 5))
        start = _first_of_last(url, rows) if rows else FULL_FROM
        m = measure(_backtest, start, LAST)
        n = m["target_draws"]
        emit("silver_backtest.full_history" if not rows else "silver_backtest.last_n", n, m,
             "last_year", ref["seconds"] * n / ref_rows,
             seconds_per_draw=round(m["seconds"] / n, 5), target_seconds=60,
             gate_share=round(m["gate_seconds"] / m["seconds"], 4))
        rerun = measure(_backtest, start, LAST)  # replaces every row it wrote
        emit("silver_backtest.rerun", n, rerun, "last_year", ref["seconds"] * n / ref_rows,
             seconds_per_draw=round(rerun["seconds"] / n, 5))
