-- The tickets of the staged draws a model played several tickets for (their overlap decides
-- the draw's exact null distribution; pipeline/gold/performance.py per_draw_from_totals).
-- Grain: one staged result; keys as sql/gold/staged_draws.sql's, plus the ticket.
with results as (
    select s.model_name,
           left(md5(r.model_name || '|' || r.model_version || '|' || r.params::text), 12)
               as config_id,
           s.era, s.target_draw_date, s.ticket, s.white_1, s.white_2, s.white_3, s.white_4,
           s.white_5, s.special_ball, s.prize_usd
    from staging.prediction_results s
    left join silver.model_runs r on r.model_run_id = s.model_run_id
    where s.staging_id = %(staging_id)s
), shared as (
    select model_name, config_id, era, target_draw_date
    from results
    group by 1, 2, 3, 4
    having count(*) > 1
)
select t.model_name, t.config_id, t.era, t.target_draw_date, t.ticket, t.white_1, t.white_2,
       t.white_3, t.white_4, t.white_5, t.special_ball, t.prize_usd
from results t
join shared using (model_name, config_id, era, target_draw_date)
