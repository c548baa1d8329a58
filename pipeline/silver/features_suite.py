"""Features gate: the rows one write staged in staging.number_features (or, for `check
features`, the published silver.number_features of a date range).

Two layers over the same rows:
- Great Expectations-style expectations on compact rows, one per (draw, ball type)
  summarising its numbers and counts beside the game definition's rules for that date
  (`features_draw_summary.sql`): no nulls, the row's era is its date's era, each number once,
  numbers inside the era's range, counts start at the ball's range epoch, counts within their
  windows. A write's gate evaluates them as one query where the rows are
  (`quality.gate`): GX's 6 s import and ~0.3 s of fixed Python per validation were
  a third of a per-game gate. `check features` runs the same list through GX on the frame of
  those rows (tests/quality/test_features_expectations.py holds the two to the same results).
- SQL audits for what expectations do badly: every valid number of the era present once for
  each draw and every count equal to an independent recount from bronze (one pass), every
  bronze draw covered, features dated strictly before their draw, draw markers equal bronze's
  hashes.
"""

from __future__ import annotations

import logging
import time

from psycopg import sql

from pipeline.db import load_sql, run_sql
from pipeline.games import Game, get_game
from pipeline.quality import gate, gx_runner, partitions
from pipeline.quality.gate import Spec
from pipeline.quality.results import CheckResult
from pipeline.silver.audit import audit, audit_kinds
from pipeline.silver.eras import era_sql_params

log = logging.getLogger(__name__)
WINDOWS = (10, 25, 50, 100)
SUMMARY_SQL = "quality/features_draw_summary.sql"
SAMPLE_COLUMNS = ["draw_date", "ball_type", "era", "rule_era", "numbers", "distinct_numbers",
                  "min_number", "max_number", "rule_min", "rule_max", "history_from",
                  "rule_history_from", "null_cells"]


def expectation_specs() -> list[Spec]:
    """The expectations on the per-(draw, ball type) rows with their rule columns (GX types
    and kwargs: the gate runs them in SQL, `check features` through GX)."""

    def spec(kind: str, **kwargs) -> Spec:
        return Spec(f"expect_{kind}", kwargs)

    def pair_ge(a: str, b: str) -> Spec:
        return spec("column_pair_values_a_to_be_greater_than_b", column_A=a, column_B=b,
                    or_equal=True)

    return [
        spec("column_values_to_be_in_set", column="null_cells", value_set=[0]),
        spec("column_values_to_be_in_set", column="ball_type", value_set=["white", "special"]),
        spec("compound_columns_to_be_unique", column_list=["draw_date", "ball_type"]),
        spec("column_values_to_not_be_null", column="rule_era"),
        spec("column_pair_values_to_be_equal", column_A="era", column_B="rule_era"),
        spec("column_values_to_be_in_set", column="eras", value_set=[1]),
        # (draw, ball type, number) unique: as many distinct numbers as rows per draw
        spec("column_pair_values_to_be_equal", column_A="numbers", column_B="distinct_numbers"),
        pair_ge("min_number", "rule_min"),
        pair_ge("rule_max", "max_number"),
        spec("column_pair_values_to_be_equal", column_A="history_from",
             column_B="rule_history_from"),
        spec("column_pair_values_to_be_equal", column_A="min_era_draws_before",
             column_B="max_era_draws_before"),
        spec("column_values_to_be_between", column="min_count", min_value=0),
        *[spec("column_values_to_be_between", column=f"max_hits_{w}", min_value=0, max_value=w)
          for w in WINDOWS],
        pair_ge("min_era_draws_before", "max_hits_era"),
        pair_ge("min_era_draws_before", "max_draws_since_seen"),
    ]


def expectation_list() -> list:
    """The same expectations as GX objects."""
    E = gx_runner.expectations()
    return [s.to_gx(E) for s in expectation_specs()]


def validate_summary(frame, game: Game) -> list[CheckResult]:
    """GX on a frame of features_draw_summary.sql's rows (`check features`)."""
    return gx_runner.validate_frame(frame, expectation_list(), name=f"features.{game.id}",
                                    sample_columns=SAMPLE_COLUMNS)


def summary_in_sql(conn, params: dict) -> list[CheckResult]:
    """The expectations on features_draw_summary.sql's rows as one query, where they are."""
    # The file's text as a subquery: a newline so its last line cannot comment out the rest.
    rows = sql.SQL(load_sql(SUMMARY_SQL) + "\n")
    return gate.validate_query(conn, rows, params, expectation_specs(),
                                           sample_columns=SAMPLE_COLUMNS,
                                           order_by=["draw_date", "ball_type"])


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


def _run(conn, game: Game, params: dict, rows_name: str, *, gx: bool) -> list[CheckResult]:
    params = {**params, **era_sql_params(game)}
    run_sql(conn, "quality/silver_gate_memory.sql")
    t0 = time.perf_counter()
    rows = run_sql(conn, "quality/features_staged_count.sql", params).fetchone()[0]
    results = [CheckResult(rows_name, rows > 0, observed_value=rows,
                           unexpected_count=0 if rows else 1)]
    if gx:
        results += validate_summary(gx_runner.frame_from_sql(conn, SUMMARY_SQL, params), game)
    else:
        results += summary_in_sql(conn, params)
    t1 = time.perf_counter()
    results += cells_match_recount(conn, params)
    results += [fn(conn, params) for fn in (every_draw_covered, dated_before_draw,
                                            markers_match_bronze)]
    log.info("features suite: %d rows, expectations %.3fs (%s), SQL audits %.3fs", rows,
             t1 - t0, "GX" if gx else "SQL", time.perf_counter() - t1)
    return results


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    """The gate on one staged write."""
    return _run(conn, get_game(game_id), partitions.staged_params(game_id, staging_id),
                "features_staged_rows", gx=False)


def check_published(conn, game_id: str, partition: str | None) -> list[CheckResult]:
    """`check features`: the published features of the game (or a date range) re-audited."""
    params = partitions.published_params("features", game_id, partition)
    with conn.transaction():  # `set local` settings last for this check only
        return _run(conn, get_game(game_id), params, "features_published_rows", gx=True)
