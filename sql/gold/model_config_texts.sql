-- The configurations of one game's model runs, once each: what gold.model_performance's config
-- column shows beside config_id (sql/gold/model_configs.sql's, there one row per model run; a
-- backtest leaves tens of thousands of runs of a handful of configurations, and evaluate needs
-- only the text of each configuration). Grain: one config_id. Runs are grouped on what the
-- configuration is made of first, so the hash and the text are computed once a configuration
-- instead of once a run.
select gold.config_id(c.model_name, c.model_version, c.params)
           as config_id,
       (jsonb_build_object('model_version', c.model_version) || c.params)::text as config
from (
    select r.model_name, r.model_version, r.params
    from silver.model_runs r
    where r.game = %(game)s
    group by r.model_name, r.model_version, r.params
) c
