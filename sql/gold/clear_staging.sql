-- Staged gold rows of earlier runs of this game (kept for inspection after a failed gate) are
-- dropped when the game is evaluated again. Runs of one game are serialised by the caller.
with results as (
    delete from staging.prediction_results where game = %(game)s
), summaries as (
    delete from staging.verdict_summary where game = %(game)s
), sums as (
    delete from staging.calibration_sums where game = %(game)s
)
delete from staging.model_performance where game = %(game)s
