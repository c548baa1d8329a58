-- Gate predictions / the tickets Great Expectations validates: one row per audited ticket (one
-- staged write, or the published predictions of a date range) with its model run's training
-- window (the run staged by the same write, or already published). Grain: model_name, game,
-- target_draw_date, ticket.
with audited as (
    select * from staging.audited_predictions(%(staging_id)s::uuid, %(published)s::boolean,
                                              %(game)s::text, %(date_from)s::date,
                                              %(date_to)s::date)
), runs as (
    select model_run_id, model_name, train_last_draw from staging.model_runs
    where staging_id = %(staging_id)s
    union all
    select model_run_id, model_name, train_last_draw from silver.model_runs
    where model_run_id in (select model_run_id from audited)
      and model_run_id not in (select model_run_id from staging.model_runs
                               where staging_id = %(staging_id)s)
)
select p.*, r.model_name as run_model_name, r.train_last_draw
from audited p
left join runs r on r.model_run_id = p.model_run_id
order by p.model_name, p.target_draw_date, p.ticket
