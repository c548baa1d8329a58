-- Gate predictions / one prediction set per model and target: per audited (model, game, target)
-- one model run and tickets numbered 1..n exactly once.
with audited as (
    select * from staging.audited_predictions(%(staging_id)s::uuid, %(published)s::boolean,
                                              %(game)s::text, %(date_from)s::date,
                                              %(date_to)s::date)
)
select count(*) over () as violations, model_name, game, target_draw_date,
       count(*) as tickets, count(distinct ticket) as distinct_tickets,
       max(ticket) as max_ticket, count(distinct model_run_id) as model_runs
from audited
group by model_name, game, target_draw_date
having count(*) <> count(distinct ticket) or max(ticket) <> count(*) or min(ticket) <> 1
    or count(distinct model_run_id) <> 1
order by model_name, target_draw_date
limit 5
