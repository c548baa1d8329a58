"""Features gate: the rows one write staged in staging.number_features (or, for `check
features`, the published silver.number_features of a date range).

Two layers over the same rows:
- Great Expectations validates a compact frame, one row per (draw, ball type) summarising its
  numbers and counts (`features_draw_summary.sql`, read on the step's connection), beside the
  game definition's rules for that date: no nulls, the row's era is its date's era, each number
  once, numbers inside the era's range, counts start at the ball's range epoch, counts within
  their windows. A draw of 69 whites is one frame row, so GX stays cheap at 10^7 feature rows.
- SQL audits for what GX does badly: every valid number of the era present once for each draw
  and every count equal to an independent recount from bronze (one pass), every bronze draw
  covered, features dated strictly before their draw, draw markers equal bronze's hashes.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from pipeline.db import run_sql
from pipeline.games import Game, get_game
from pipeline.quality import gx_runner, partitions
from pipeline.quality.results import CheckResult
from pipeline.silver import era_rules
from pipeline.silver.audit import audit, audit_kinds
from pipeline.silver.eras import era_sql_params

log = logging.getLogger(__name__)
WINDOWS = (10, 25, 50, 100)
SAMPLE_COLUMNS = ["draw_date", "ball_type", "era", "rule_era", "numbers", "distinct_numbers",
                  "min_number", "max_number", "rule_min", "rule_max", "history_from",
                  "rule_history_from", "null_cells"]


def expectation_list() -> list:
    """The GX expectations on the per-(draw, ball type) frame with its rule columns."""
    E = gx_runner.expectations()
    pair_ge = E.ExpectColumnPairValuesAToBeGreaterThanB
    return [
        E.ExpectColumnValuesToBeInSet(column="null_cells", value_set=[0]),
        E.ExpectColumnValuesToBeInSet(column="ball_type", value_set=["white", "special"]),
        E.ExpectCompoundColumnsToBeUnique(column_list=["draw_date", "ball_type"]),
        E.ExpectColumnValuesToNotBeNull(column="rule_era"),
        E.ExpectColumnPairValuesToBeEqual(column_A="era", column_B="rule_era"),
        E.ExpectColumnValuesToBeInSet(column="eras", value_set=[1]),
        # (draw, ball type, number) unique: as many distinct numbers as rows per draw
        E.ExpectColumnPairValuesToBeEqual(column_A="numbers", column_B="distinct_numbers"),
        pair_ge(column_A="min_number", column_B="rule_min", or_equal=True),
        pair_ge(column_A="rule_max", column_B="max_number", or_equal=True),
        E.ExpectColumnPairValuesToBeEqual(column_A="history_from", column_B="rule_history_from"),
        E.ExpectColumnPairValuesToBeEqual(column_A="min_era_draws_before",
                                          column_B="max_era_draws_before"),
        E.ExpectColumnValuesToBeBetween(column="min_count", min_value=0),
        *[E.ExpectColumnValuesToBeBetween(column=f"max_hits_{w}", min_value=0, max_value=w)
          for w in WINDOWS],
        pair_ge(column_A="min_era_draws_before", column_B="max_hits_era", or_equal=True),
        pair_ge(column_A="min_era_draws_before", column_B="max_draws_since_seen",
                or_equal=True),
    ]


_GX_COLUMNS = {*SAMPLE_COLUMNS, "eras", "min_era_draws_before", "max_era_draws_before",
               "min_count", *[f"max_hits_{w}" for w in WINDOWS], "max_hits_era",
               "max_draws_since_seen"}


def validate_summary(frame, game: Game) -> list[CheckResult]:
    """GX on the per-(draw, ball type) frame of features_draw_summary.sql."""
    import numpy as np
    import pandas as pd

    frame = era_rules.add_era_columns(frame, game, "draw_date", "ball_type")
    for col in ("history_from", "rule_history_from"):  # dates on both sides of the pair
        codes, days = pd.factorize(frame[col])  # each distinct day formatted once; null: None
        frame[col] = np.array([*map(str, days), None], dtype=object)[codes]
    # Only the columns GX reads or samples, in one consolidated block: GX copies and
    # re-consolidates the frame for every metric, so the rule columns of the other ball type
    # and a frame fragmented by added columns cost it per expectation.
    frame = frame[[c for c in frame.columns if c in _GX_COLUMNS]].copy()
    return gx_runner.validate_frame(frame, expectation_list(), name=f"features.{game.id}",
                                    sample_columns=SAMPLE_COLUMNS)


def cells_match_recount(conn, params) -> list[CheckResult]:
    return audit_kinds(conn, "quality/features_cells_vs_recount.sql", params, {
        "numbers": "features_every_valid_number_once_per_draw",
        "recount": "features_counts_match_bronze_recount"})


def every_draw_covered(conn, params) -> CheckResult:
    return audit(conn, "features_cover_every_draw", "quality/features_cover_draws.sql", params)


def dated_before_draw(conn, params) -> CheckResult:
    return audit(conn, "features_dated_strictly_before_draw",
                 "quality/features_dated_before_draw.sql", params)


def markers_match_bronze(conn, params) -> CheckResult:
    return audit(conn, "features_draw_markers_match_bronze",
                 "quality/features_marks_match_bronze.sql", params)


def _run(conn, game: Game, params: dict, rows_name: str) -> list[CheckResult]:
    params = {**params, **era_sql_params(game)}
    run_sql(conn, "quality/silver_gate_memory.sql")
    t0 = time.perf_counter()
    rows = run_sql(conn, "quality/features_staged_count.sql", params).fetchone()[0]
    results = [CheckResult(rows_name, rows > 0, observed_value=rows,
                           unexpected_count=0 if rows else 1)]
    frame = gx_runner.frame_from_sql(conn, "quality/features_draw_summary.sql", params)
    # GX is Python on the frame, the audits are PostgreSQL on the connection: run GX in a
    # thread meanwhile (the audits wait on the server without the GIL), so the gate costs the
    # longer of the two, not their sum, on a machine with a core for each.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="features-gx") as pool:
        validated = pool.submit(validate_summary, frame, game)
        t1 = time.perf_counter()
        audits = cells_match_recount(conn, params)
        audits += [fn(conn, params) for fn in (every_draw_covered, dated_before_draw,
                                               markers_match_bronze)]
        t2 = time.perf_counter()
        results += validated.result()
    log.info("features suite: %d rows, summary %.3fs, SQL audits %.3fs, GX %.3fs more", rows,
             t1 - t0, t2 - t1, time.perf_counter() - t2)
    return results + audits


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    """The gate on one staged write."""
    return _run(conn, get_game(game_id), partitions.staged_params(game_id, staging_id),
                "features_staged_rows")


def check_published(conn, game_id: str, partition: str | None) -> list[CheckResult]:
    """`check features`: the published features of the game (or a date range) re-audited."""
    params = partitions.published_params("features", game_id, partition)
    with conn.transaction():  # `set local` settings last for this check only
        return _run(conn, get_game(game_id), params, "features_published_rows")
