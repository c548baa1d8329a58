"""Predictions gate: one write's staged model runs, tickets and scores, audited in Postgres.

Each expectation is one small function returning a CheckResult (a SQL audit returning the
violating rows, or a check against the game definition).
"""

from __future__ import annotations

from pipeline.db import run_sql
from pipeline.games import get_game
from pipeline.quality.results import CheckResult
from pipeline.silver.audit import audit
from pipeline.silver.eras import era_sql_params


def numbers_valid_for_era(conn, params) -> CheckResult:
    return audit(conn, "predictions_valid_distinct_numbers_for_era",
                 "quality/predictions_numbers_valid.sql", params)


def target_after_training(conn, params) -> CheckResult:
    return audit(conn, "predictions_target_after_training_window",
                 "quality/predictions_after_training.sql", params)


def one_set_per_model_and_target(conn, params) -> CheckResult:
    return audit(conn, "predictions_one_set_per_model_and_target",
                 "quality/predictions_one_set.sql", params)


def scores_are_probabilities(conn, params) -> CheckResult:
    return audit(conn, "predictions_scores_are_probabilities_per_valid_number",
                 "quality/predictions_scores.sql", params)


def targets_are_draw_days(conn, params) -> CheckResult:
    game = get_game(params["game"])
    days = run_sql(conn, "quality/predictions_targets.sql", params).fetchall()
    bad = [str(d) for (d,) in days if not game.is_draw_day(d)]
    return CheckResult("predictions_target_is_draw_day", not bad, observed_value=len(days),
                       unexpected_count=len(bad), unexpected_sample=bad[:5])


CHECKS = (numbers_valid_for_era, target_after_training, one_set_per_model_and_target,
          scores_are_probabilities, targets_are_draw_days)


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    params = {"game": game_id, "staging_id": staging_id, **era_sql_params(get_game(game_id))}
    run_sql(conn, "quality/silver_gate_memory.sql")
    staged = run_sql(conn, "quality/predictions_staged_count.sql", params).fetchone()[0]
    results = [CheckResult("predictions_staged_rows", staged > 0, observed_value=staged,
                           unexpected_count=0 if staged else 1)]
    return results + [fn(conn, params) for fn in CHECKS]
