-- The calibration sums of every staged (model, draw) per ball type, as calibration reads them
-- (pipeline/gold/calibration.py). Grain: one (model_name, target_draw_date, ball_type) with a
-- staged result and scores of that ball type (era: the draw's). The sums are the run's
-- recomputed ones (staging.calibration_sums, sql/gold/stage_calibration_sums.sql) or, for a
-- (model, draw) whose model run and draw revision did not change, the stored ones
-- (gold.calibration_sums): exact integers either way, so the same to the bit. Reads ~2 rows a
-- result instead of the ~95 per-number scores.
with sums as (
    select s.model_name, s.target_draw_date, s.white_numbers, s.white_log_loss_units,
           s.white_brier_units, s.special_numbers, s.special_log_loss_units,
           s.special_brier_units
    from staging.calibration_sums s
    where s.staging_id = %(staging_id)s
    union all
    select c.model_name, c.target_draw_date, c.white_numbers, c.white_log_loss_units,
           c.white_brier_units, c.special_numbers, c.special_log_loss_units,
           c.special_brier_units
    from gold.calibration_sums c
    where c.game = %(game)s
      and exists (select 1 from staging.prediction_results r
                  where r.staging_id = %(staging_id)s and r.model_name = c.model_name
                    and r.target_draw_date = c.target_draw_date)
      and not exists (select 1 from staging.calibration_sums s
                      where s.staging_id = %(staging_id)s and s.model_name = c.model_name
                        and s.target_draw_date = c.target_draw_date)
)
select c.model_name, c.target_draw_date, d.era, b.ball_type, b.n_numbers,
       b.log_loss_units::float8 / 4503599627370496.0 as log_loss_sum,
       b.brier_units::float8 / 4503599627370496.0 as brier_sum
from sums c
join bronze.draws d on d.game = %(game)s and d.draw_date = c.target_draw_date
cross join lateral (values ('white', c.white_numbers, c.white_log_loss_units,
                            c.white_brier_units),
                           ('special', c.special_numbers, c.special_log_loss_units,
                            c.special_brier_units))
    as b(ball_type, n_numbers, log_loss_units, brier_units)
where b.n_numbers is not null
order by c.model_name, c.target_draw_date, b.ball_type
