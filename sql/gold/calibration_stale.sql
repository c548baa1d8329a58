-- How many of the run's staged results have calibration sums to recompute (none stored for
-- their (model, draw), or stored from another model run or draw revision), and how many there
-- are: evaluate picks how stage_calibration_sums.sql reads the scores (few: index probes; many:
-- one scan), and the models with any to recompute (the scan reads only theirs). Grain: one
-- row. A left join on the stored sums' key (at most one match a result), hashed: as a NOT
-- EXISTS per row under a FILTER it was planned as an index probe per staged result.
select count(*) filter (where c.model_name is null), count(*),
       coalesce(array_agg(distinct r.model_name) filter (where c.model_name is null), '{}')
from staging.prediction_results r
left join gold.calibration_sums c
       on c.game = %(game)s and c.model_name = r.model_name
      and c.target_draw_date = r.target_draw_date and c.model_run_id = r.model_run_id
      and c.draw_record_hash = r.draw_record_hash
where r.staging_id = %(staging_id)s
