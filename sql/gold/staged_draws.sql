-- Per-draw totals of one evaluate's staged results, what pipeline/gold/performance.py
-- aggregates (per_draw_from_totals), with the draw's calibration sums beside them
-- (pipeline/gold/calibration.py rows_from_draw_sums): grain one (model_name, config_id, era,
-- target_draw_date), a model's tickets for one draw (one prediction set, so one
-- configuration); ordered by model and draw, the order calibration sums them in. config_id is
-- sql/gold/model_configs.sql's, null when the result's model run is missing from silver.
-- prize_sum here only for a draw with one ticket (the prize itself, 0 when none): several
-- tickets' prizes are summed in Python, as pandas always summed them
-- (sql/gold/staged_shared_tickets.sql).
-- The calibration sums are the run's recomputed ones (staging.calibration_sums,
-- sql/gold/stage_calibration_sums.sql) or, for a (model, draw) whose model run and draw
-- revision did not change, the stored ones (gold.calibration_sums): exact integers either way,
-- so the same to the bit; null without scores of that ball type. One row per staged draw
-- carries them instead of a second query returning a row per draw and ball type.
with totals as (
    select s.model_name,
           gold.config_id(r.model_name, r.model_version, r.params)
               as config_id,
           s.era, s.target_draw_date, count(*) as k, sum(s.white_matches) as white,
           count(*) filter (where s.special_match) as special,
           count(*) filter (where s.prize_tier <> 'none') as prize_hits,
           count(*) filter (where s.is_jackpot) as jackpot_hits,
           case when count(*) = 1 then coalesce(max(s.prize_usd), 0)::float8 end as prize_sum
    from staging.prediction_results s
    left join silver.model_runs r on r.model_run_id = s.model_run_id
    where s.staging_id = %(staging_id)s
    group by 1, 2, 3, 4
), sums as (
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
      and not exists (select 1 from staging.calibration_sums s
                      where s.staging_id = %(staging_id)s and s.model_name = c.model_name
                        and s.target_draw_date = c.target_draw_date)
)
select t.model_name, t.config_id, t.era, t.target_draw_date, t.k, t.white, t.special,
       t.prize_hits, t.jackpot_hits, t.prize_sum,
       c.white_numbers, c.white_log_loss_units::float8 / 4503599627370496.0,
       c.white_brier_units::float8 / 4503599627370496.0,
       c.special_numbers, c.special_log_loss_units::float8 / 4503599627370496.0,
       c.special_brier_units::float8 / 4503599627370496.0
from totals t
left join sums c on c.model_name = t.model_name and c.target_draw_date = t.target_draw_date
order by t.model_name, t.target_draw_date
