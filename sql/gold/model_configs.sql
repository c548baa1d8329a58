-- The configuration of every model run of one game: what gold never pools across.
-- Grain: one model run; key model_run_id. A configuration is the model, its code version of the
-- model and every parameter the run recorded (seed, tickets, refit cadence, training window
-- length, hyper-parameters); config_id is a short stable hash of it (gold.config_id).
select r.model_run_id,
       gold.config_id(r.model_name, r.model_version, r.params)
           as config_id,
       (jsonb_build_object('model_version', r.model_version) || r.params)::text as config
from silver.model_runs r
where r.game = %(game)s
