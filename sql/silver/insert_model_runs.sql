-- Publish step 2: the staged write's model runs (before the predictions that reference them).
insert into silver.model_runs (model_run_id, model_name, model_version, game, params,
    train_first_draw, train_last_draw, n_train_draws, code_version, metrics, created_at)
select model_run_id, model_name, model_version, game, params, train_first_draw, train_last_draw,
       n_train_draws, code_version, metrics, created_at
from staging.model_runs
where staging_id = %(staging_id)s
