-- Gate predictions / target after the training window: every audited ticket's model run (staged
-- by the same write, or already published) exists, is the ticket's model and game, and its
-- last training draw is before the target.
with audited as (
    select * from staging.audited_predictions(%(staging_id)s::uuid, %(published)s::boolean,
                                              %(game)s::text, %(date_from)s::date,
                                              %(date_to)s::date)
), runs as (
    select model_run_id, model_name, game, train_last_draw from staging.model_runs
    where staging_id = %(staging_id)s
    union all
    select model_run_id, model_name, game, train_last_draw from silver.model_runs
    where model_run_id in (select model_run_id from audited)
      and model_run_id not in (select model_run_id from staging.model_runs
                               where staging_id = %(staging_id)s)
)
select count(*) over () as violations, p.model_name, p.target_draw_date, p.ticket,
       p.model_run_id, r.train_last_draw
from audited p
left join runs r on r.model_run_id = p.model_run_id
where r.model_run_id is null or r.train_last_draw is null
   or r.train_last_draw >= p.target_draw_date
   or r.model_name <> p.model_name or r.game <> p.game
order by p.model_name, p.target_draw_date, p.ticket
limit 5
