"""Column lists of the gold tables written by COPY, and the COPY itself."""

from __future__ import annotations

from psycopg import sql

from pipeline.db import ident
from pipeline.gold.performance import RESULT_COLUMNS

PERFORMANCE_COLUMNS = (
    "model_name", "game", "era", "window_name", "window_start", "window_end", "n_draws",
    "n_predictions", "tickets_per_draw_max", "total_white_matches", "mean_white_matches",
    "expected_white_matches", "mean_white_matches_ci_low", "mean_white_matches_ci_high",
    "special_hits", "special_hit_rate", "expected_special_hit_rate", "special_hit_rate_ci_low",
    "special_hit_rate_ci_high", "any_prize_hits", "any_prize_rate", "expected_any_prize_rate",
    "any_prize_rate_ci_low", "any_prize_rate_ci_high", "jackpot_hits", "expected_jackpot_hits",
    "ticket_price_usd", "return_per_play", "expected_return_per_play",
    "return_per_play_ci_low", "return_per_play_ci_high", "p_value", "p_value_adjusted",
    "p_value_method", "p_value_special", "p_value_special_adjusted", "p_value_any_prize",
    "p_value_any_prize_adjusted", "p_value_any_prize_method", "n_models_compared",
    "calibration_n_draws", "white_log_loss", "white_log_loss_uniform", "white_brier",
    "white_brier_uniform", "special_log_loss", "special_log_loss_uniform", "special_brier",
    "special_brier_uniform", "log_loss_p_value", "config_id", "config", "first_target_draw",
    "last_target_draw", "family_size", "log_loss_p_value_adjusted", "split_date",
    "explore_n_draws", "explore_p_value", "selected", "confirm_n_draws", "confirm_p_value",
    "confirm_p_value_adjusted", "confirm_family_size", "verdict", "verdict_reason",
)
SUMMARY_COLUMNS = ("game", "sentence", "family_size", "confirm_family_size", "best_model",
                   "best_p_value", "best_p_value_adjusted", "control_led", "n_beats_random")
TABLES = {
    "staging.prediction_results": RESULT_COLUMNS + ("staging_id",),
    "staging.model_performance": PERFORMANCE_COLUMNS + ("staging_id",),
    "staging.verdict_summary": SUMMARY_COLUMNS + ("staging_id",),
    "staging.calibration_sums": (
        "model_name", "game", "target_draw_date", "model_run_id", "draw_record_hash",
        "white_numbers", "white_log_loss_units", "white_brier_units", "special_numbers",
        "special_log_loss_units", "special_brier_units", "staging_id"),
    "gold.era_baselines": (
        "game", "era", "era_end", "white_max", "special_max", "ticket_price_usd",
        "expected_white_matches", "expected_special_hit_rate", "any_prize_probability",
        "any_prize_odds_1_in", "jackpot_odds_1_in", "expected_return_per_play"),
    "gold.prize_tiers": ("game", "era", "white_matches", "special_match", "prize_tier",
                         "is_jackpot", "prize_usd", "probability", "odds_1_in"),
    "gold.number_counts": ("game", "era", "ball_type", "number", "observed", "expected"),
    "gold.number_frequency_tests": ("game", "era", "ball_type", "n_draws", "chi_square",
                                    "chi_square_scaled", "df", "p_value", "min_expected"),
}


def copy_rows(conn, table: str, rows) -> int:
    """COPY tuples (in TABLES[table] order) into `table`; returns the number of rows."""
    columns = TABLES[table]
    statement = sql.SQL("copy {} ({}) from stdin").format(
        ident(frozenset(TABLES), table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    n = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n
