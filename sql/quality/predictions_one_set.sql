-- Gate predictions / one prediction set per model and target: per audited (model, game, target)
-- one model run and tickets numbered 1..n exactly once.
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
