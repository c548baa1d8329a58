"""Features gate: the staged silver.number_features rows of one write, audited in Postgres.

Each expectation is one small function returning a CheckResult (a SQL audit returning the
violating rows); a Great Expectations layer may be added on top of the same staged rows.
"""

from __future__ import annotations

from pipeline.db import run_sql
from pipeline.games import get_game
from pipeline.quality.results import CheckResult
from pipeline.silver.audit import audit
from pipeline.silver.eras import era_sql_params


def no_nulls(conn, params) -> CheckResult:
    return audit(conn, "features_no_nulls", "quality/features_nulls.sql", params)


def every_valid_number_present(conn, params) -> CheckResult:
    return audit(conn, "features_every_valid_number_once_per_draw",
                 "quality/features_numbers_per_draw.sql", params)


def every_draw_covered(conn, params) -> CheckResult:
    return audit(conn, "features_cover_every_draw", "quality/features_cover_draws.sql", params)


def dated_before_draw(conn, params) -> CheckResult:
    return audit(conn, "features_dated_strictly_before_draw",
                 "quality/features_dated_before_draw.sql", params)


def counts_match_bronze(conn, params) -> CheckResult:
    return audit(conn, "features_counts_match_bronze_recount", "quality/features_recount.sql",
                 params)


def markers_match_bronze(conn, params) -> CheckResult:
    return audit(conn, "features_draw_markers_match_bronze",
                 "quality/features_marks_match_bronze.sql", params)


CHECKS = (no_nulls, every_valid_number_present, every_draw_covered, dated_before_draw,
          counts_match_bronze, markers_match_bronze)


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    params = {"game": game_id, "staging_id": staging_id, **era_sql_params(get_game(game_id))}
    run_sql(conn, "quality/silver_gate_memory.sql")
    staged = run_sql(conn, "quality/features_staged_count.sql", params).fetchone()[0]
    results = [CheckResult("features_staged_rows", staged > 0, observed_value=staged,
                           unexpected_count=0 if staged else 1)]
    return results + [fn(conn, params) for fn in CHECKS]
