-- The run's recomputed calibration sums (sql/gold/stage_calibration_sums.sql's temporary
-- table, this session's only) into staging.calibration_sums under the run's staging_id, for
-- staged_draws.sql and the publish. Grain and key as gold.calibration_sums, plus
-- staging_id. Returns how many were recomputed.
insert into staging.calibration_sums (
    model_name, game, target_draw_date, model_run_id, draw_record_hash, white_numbers,
    white_log_loss_units, white_brier_units, special_numbers, special_log_loss_units,
    special_brier_units, staging_id)
select model_name, game, target_draw_date, model_run_id, draw_record_hash, white_numbers,
       white_log_loss_units, white_brier_units, special_numbers, special_log_loss_units,
       special_brier_units, %(staging_id)s
from calibration_sums_run
