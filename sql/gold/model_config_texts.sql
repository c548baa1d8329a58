-- The configurations of one game's model runs, once each: what gold.model_performance's config
-- column shows beside config_id (sql/gold/model_configs.sql's, there one row per model run; a
-- backtest leaves tens of thousands of runs of a handful of configurations, and evaluate needs
-- only the text of each configuration). Grain: one config_id.
select left(md5(r.model_name || '|' || r.model_version || '|' || r.params::text), 12)
           as config_id,
       min((jsonb_build_object('model_version', r.model_version) || r.params)::text) as config
from silver.model_runs r
where r.game = %(game)s
group by 1
