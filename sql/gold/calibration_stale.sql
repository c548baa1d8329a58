-- How many of the run's staged (model, draw)s have calibration sums to recompute (none stored,
-- or stored from another model run or draw revision), and how many there are: evaluate picks
-- how stage_calibration_sums.sql reads the scores (few: index probes; many: one scan of the
-- game's scores). Grain: one row.
select count(*) filter (where not exists (
           select 1 from gold.calibration_sums c
           where c.game = %(game)s and c.model_name = r.model_name
             and c.target_draw_date = r.target_draw_date
             and c.model_run_id = r.model_run_id
             and c.draw_record_hash = r.draw_record_hash)),
       count(*)
from staging.prediction_results r
where r.staging_id = %(staging_id)s
