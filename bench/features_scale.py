"""`features` over synthetic histories of 10^4, 10^5 and 10^6 draws (many synthetic games).

Each size is a games file of synthetic daily 5+1 games of 10^4 draws (PIPELINE_GAMES_FILE),
with three eras whose ranges change (so epochs restart), loaded straight into bronze by COPY
(not timed). The timed step is `python -m pipeline features --game G --full` for every game in
one process (pipeline.cli.main): read, compute, stage (COPY), gate, publish. gx_costs: what
the features expectations cost through Great Expectations (`check features`: import, context,
one validation) against their SQL form (a write's gate), in a fresh process. Ranges are small
(white 1-8/1-10, special 1-3/1-4) so 10^6 draws stay ~10^7 feature rows. Reference: the 10^4
size in the same run; ratio is the per-draw rate relative to it (1.0 = linear).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from bench.common import scratch_database
from bench.harness import emit, measure

LADDER = (10_000, 100_000, 1_000_000)
PER_GAME = 10_000
LAST_DAY = dt.date(2025, 12, 31)
ERAS = ((1.0, 8, 3), (0.6, 10, 3), (0.3, 10, 4))  # (share of history before the end, ranges)


def games_toml(n_games: int) -> str:
    first = LAST_DAY - dt.timedelta(days=PER_GAME - 1)
    lines = ["# Synthetic games for bench/features_scale.py (daily draws)."]
    for g in range(n_games):
        gid = f"fsynth_{g:04d}"
        lines += [f"[games.{gid}]", "white_count = 5", f"[[games.{gid}.schedule]]",
                  f"from = {first.isoformat()}",
                  'weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]']
        for share, white_max, special_max in ERAS:
            start = max(first, LAST_DAY - dt.timedelta(days=int(PER_GAME * share)))
            lines += [f"[[games.{gid}.eras]]", f"from = {start.isoformat()}",
                      f"white_max = {white_max}", f"special_max = {special_max}",
                      "multipliers = []"]
    return "\n".join(lines) + "\n"


def _load_bronze(url: str, game_ids: list[str], seed: int = 11) -> None:
    import psycopg

    from pipeline.games import get_game

    rng = np.random.default_rng(seed)
    with psycopg.connect(url) as conn:
        for gid in game_ids:
            game = get_game(gid)
            dates = game.draw_dates(game.eras[0].start, LAST_DAY)
            batch = uuid.uuid4()
            conn.execute("insert into ops.ingest_batches (batch_id, game, source, source_sha256,"
                         " rows_read) values (%s, %s, 'bench', '', %s)", (batch, gid, len(dates)))
            with conn.cursor().copy(
                    "copy bronze.draws (game, draw_date, white_1, white_2, white_3, white_4,"
                    " white_5, special_ball, era, source, batch_id, record_hash) from stdin") as cp:
                for day in dates:
                    era = game.era_for(day)
                    whites = np.sort(rng.permutation(era.white_max)[:5] + 1).tolist()
                    special = int(rng.integers(1, era.special_max + 1))
                    digest = hashlib.md5(f"{whites}{special}".encode()).hexdigest()
                    cp.write_row((gid, day, *whites, special, era.name, "bench", batch, digest))
        conn.commit()


def _features(game_ids: list[str]) -> dict:
    """`python -m pipeline features --game G --full` for every game, in this one process."""
    import contextlib
    import io
    import json

    from pipeline.cli import main

    totals = {"feature_rows": 0, "compute_seconds": 0.0, "stage_seconds": 0.0,
              "gate_seconds": 0.0, "publish_seconds": 0.0}
    for gid in game_ids:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--log-level", "WARNING", "features", "--game", gid, "--full"])
        if code != 0:
            raise RuntimeError(f"features --game {gid} exited {code}")
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        for key in totals:
            totals[key] += result["rows" if key == "feature_rows" else key]
    return {k: round(v, 3) for k, v in totals.items()}


def _gx_costs(game_id: str) -> dict:
    """What the features expectations cost through GX (`check features`), in a fresh process:
    the import, the context, one validation on 10 rows (GX's fixed cost) and on one game's
    frame; and the SQL form a write's gate runs on the same game's rows (sql_form_game)."""
    from pipeline.db import connect
    from pipeline.games import get_game
    from pipeline.quality import gx_runner, partitions
    from pipeline.silver import features
    from pipeline.silver.eras import era_sql_params

    game = get_game(game_id)
    params = {**partitions.published_params("features", game_id, None), **era_sql_params(game)}
    with connect() as conn:
        frame = gx_runner.frame_from_sql(conn, features.SUMMARY_SQL, params)
        start = time.perf_counter()
        features.summary_in_sql(conn, params)
        sql_form = round(time.perf_counter() - start, 3)
    out, start = {}, time.perf_counter()
    for name, step in (("import", gx_runner.gx), ("context", gx_runner._batch_definition),
                       ("validate_10_rows", lambda: features.validate_summary(
                           frame.head(10).copy(), game)),
                       ("validate_game", lambda: features.validate_summary(
                           frame.copy(), game))):
        step()
        out[f"{name}_seconds"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
    out["sql_form_game_seconds"] = sql_form
    out["expectations"] = len(features.expectation_list())
    out["frame_rows"] = len(frame)
    return out


def run(rows: int | None) -> None:
    sizes = (rows,) if rows else LADDER
    reference = None
    for size in sizes:
        n_games = max(1, size // PER_GAME)
        with tempfile.TemporaryDirectory(prefix="bench_features_") as tmp:
            games_file = Path(tmp) / "games.toml"
            games_file.write_text(games_toml(n_games))
            os.environ["PIPELINE_GAMES_FILE"] = str(games_file)
            game_ids = [f"fsynth_{g:04d}" for g in range(n_games)]
            with scratch_database("drawpipe_bench_features") as url:
                os.environ["PIPELINE_DATABASE_URL"] = url
                _load_bronze(url, game_ids)
                m = measure(_features, game_ids)
                draws = n_games * PER_GAME
                if reference is None:
                    reference = (draws, m["seconds"])
                emit("features_scale.full_build", draws, m,
                     None if reference[0] == draws else f"{reference[0]} draws",
                     reference[1] * draws / reference[0], games=n_games,
                     feature_rows_per_s=round(m["feature_rows"] / m["seconds"], 1),
                     gate_share=round(m["gate_seconds"] / m["seconds"], 4))
                emit("features_scale.gx_costs", PER_GAME, measure(_gx_costs, game_ids[0]))
