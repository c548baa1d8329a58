-- gold.config_id: the short stable id of a model run's configuration, what gold never pools
-- across (gold.model_performance.config_id): a hash of the model, its code version and every
-- parameter the run recorded (jsonb's canonical text). One definition for every query that
-- groups results by configuration (sql/gold/model_configs.sql, model_config_texts.sql,
-- staged_draws.sql, staged_shared_tickets.sql): the ids must agree to the character. A plain
-- immutable SQL expression the planner inlines into the calling query.
create or replace function gold.config_id(p_model_name text, p_model_version text,
                                          p_params jsonb)
returns text
language sql immutable as $$
    select left(md5(p_model_name || '|' || p_model_version || '|' || p_params::text), 12)
$$;
