"""`backtest` over synthetic games at 10^4, 10^5 and 10^6 target draws (walk-forward).

Data (seeded, not timed): bench/common's generated games (daily 5+1 games, three rule eras,
prize chart on the newest, via bench/gold_evaluate.synthetic_games) with DRAWS_PER_GAME + 1
draws each (every draw but the first is a target: nothing is known before it), loaded into
bronze by COPY. 10^4 targets = 1 game, 10^5 = 5 games, 10^6 = 50 games.

Timed, in one process: `pipeline.silver.predict.backtest` of every game in turn (load the
timeline, build features, score and pick tickets for every target, stage, gate, publish to
silver). Models: BENCH_BACKTEST_MODELS (default the score-only baselines random and frequency,
see BASELINES for gap; the sklearn models refit every 50 draws and cost far more per draw).
Every model writes a probability for each valid number of each target (~95 rows per model and
draw here), so the write and the gate grow with targets x models x numbers.

ratio: the smallest size's rate over this one's, as harness.emit computes it against the
smallest size scaled to this size (1.0 = linear); per_row_vs_smallest: seconds per target draw
over the smallest size's (1.0 = linear, above 1 = super-linear).

`backtest_scale.scores_insert_floor`, after each size's backtest: the published score rows
copied again by one bare `INSERT ... SELECT` from a copy already sorted in key order into an
empty copy of silver.prediction_scores with its primary key (`keyed_seconds`) and without it
(`unkeyed_seconds`): no Python, no staging, no gate. What writing
the published table costs whatever the code around it does, per target draw (`floor_ms_per_draw`,
the keyed insert) and as a share of the backtest (`floor_share`).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.common import DRAWS_PER_GAME, scratch_database
from bench.gold_evaluate import load_bronze, sizes, synthetic_games
from bench.harness import emit, measure

# The gap model is left out by default so the lines stay comparable with earlier runs (its
# probabilities are capped at 1 since 61a8364): BENCH_BACKTEST_MODELS=random,frequency,gap adds it.
BASELINES = "random,frequency"
MODELS = os.environ.get("BENCH_BACKTEST_MODELS", BASELINES)
SUMMED = ("target_draws", "fits", "model_runs", "predictions", "scores", "compute_seconds",
          "stage_seconds", "gate_seconds", "publish_seconds")


def _load(url: str, games_path: Path, dates: dict) -> dict:
    import psycopg

    draws = load_bronze(url, games_path, dates)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze bronze.draws")
    return {"draws": draws}


def _backtest_all(dates: dict) -> dict:
    from pipeline.silver.config import load_config
    from pipeline.silver.predict import backtest

    config = load_config()
    totals = dict.fromkeys(SUMMED, 0)
    per_game = []  # seconds of each game in turn: growth here means cost grows with silver
    for gid, days in dates.items():
        start = time.perf_counter()
        try:
            out = backtest(gid, days[1], days[-1], config, MODELS)
        except Exception as exc:  # returned: harness.measure waits for a result forever
            return {"error": f"{gid}: {exc}"}
        per_game.append(round(time.perf_counter() - start, 1))
        for key in SUMMED:
            totals[key] += out[key]
    totals = {k: round(v, 3) if isinstance(v, float) else v for k, v in totals.items()}
    return {**totals, "game_seconds": per_game}


def _insert_floor(url: str) -> dict:
    import psycopg

    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        # Sorted once, untimed: the timed inserts then read rows already in key order, as the
        # publish does, without a sort of their own.
        conn.execute("create unlogged table bench_scores_sorted as select * from "
                     "silver.prediction_scores "
                     "order by model_name, game, target_draw_date, ball_type, number")
        for label, ddl in (("keyed", "(like silver.prediction_scores including all)"),
                           ("unkeyed", "(like silver.prediction_scores)")):
            conn.execute(f"create table bench_scores_floor {ddl}")
            start = time.perf_counter()
            conn.execute("insert into bench_scores_floor select * from bench_scores_sorted")
            out[f"{label}_seconds"] = round(time.perf_counter() - start, 3)
            conn.execute("drop table bench_scores_floor")
        out["rows"] = conn.execute("select count(*) from bench_scores_sorted").fetchone()[0]
        conn.execute("drop table bench_scores_sorted")
    return out


def run(rows: int | None) -> None:
    smallest = None  # (target draws, seconds) of the ladder's first size
    for size in sizes(rows):
        per_game = min(size, DRAWS_PER_GAME)
        n_games = -(-size // per_game)
        with tempfile.TemporaryDirectory(prefix="bench_backtest_") as tmp:
            games_path, dates = synthetic_games(Path(tmp), size + n_games, per_game + 1)
            os.environ["PIPELINE_GAMES_FILE"] = str(games_path)
            with scratch_database("drawpipe_bench_backtest") as url:
                os.environ["PIPELINE_DATABASE_URL"] = url
                # In a child, so the generator's memory is not inherited by the timed one.
                setup = measure(_load, url, games_path, dates)
                m = measure(_backtest_all, dates)
                if "error" in m:
                    raise RuntimeError(f"backtest failed: {m['error']}")
                n = m["target_draws"]
                smallest = smallest or (n, m["seconds"])
                per_draw = m["seconds"] / n
                emit("backtest_scale.baselines" if MODELS == BASELINES else
                     "backtest_scale.models", n, m,
                     None if smallest[0] == n else f"{smallest[0]} target draws",
                     smallest[1] * n / smallest[0], games=len(dates), models=MODELS,
                     draws=setup["draws"], setup_seconds=round(setup["seconds"], 1),
                     seconds_per_draw=round(per_draw, 5),
                     per_row_vs_smallest=round(per_draw / (smallest[1] / smallest[0]), 3),
                     gate_share=round(m["gate_seconds"] / m["seconds"], 4))
                floor = _insert_floor(url)
                emit("backtest_scale.scores_insert_floor", n,
                     {"seconds": floor["keyed_seconds"]}, models=MODELS,
                     score_rows=floor["rows"], unkeyed_seconds=floor["unkeyed_seconds"],
                     floor_ms_per_draw=round(1000 * floor["keyed_seconds"] / n, 3),
                     floor_share=round(floor["keyed_seconds"] / m["seconds"], 4))
