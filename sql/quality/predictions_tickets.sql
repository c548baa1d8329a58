-- Gate predictions / the tickets Great Expectations validates: one row per audited ticket (one
-- staged write, or the published predictions of a date range) with its model run's training
-- window (the run staged by the same write, or already published). Grain: model_name, game,
-- target_draw_date, ticket.
with audited as (
    select model_name, model_run_id, game, target_draw_date, ticket, white_1, white_2, white_3,
           white_4, white_5, special_ball, era
    from staging.predictions where staging_id = %(staging_id)s
    union all
    select model_name, model_run_id, game, target_draw_date, ticket, white_1, white_2, white_3,
           white_4, white_5, special_ball, era
    from silver.predictions
    where %(published)s and game = %(game)s
      and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                               and coalesce(%(date_to)s::date, 'infinity')
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
