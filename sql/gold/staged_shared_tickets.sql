-- The tickets of the staged draws a model played several tickets for (their overlap decides
-- the draw's exact null distribution; pipeline/gold/performance.py per_draw_from_totals).
-- Grain: one staged result; keys as sql/gold/staged_draws.sql's, plus the ticket. One pass
-- with a window count (a join of the results to their own grouped keys was planned as a
-- nested loop over the staged rows on a rerun: minutes at 10^5).
select model_name, config_id, era, target_draw_date, ticket, white_1, white_2, white_3,
       white_4, white_5, special_ball, prize_usd
from (
    select c.*,
           count(*) over (partition by model_name, config_id, era, target_draw_date) as k
    from (
        select s.model_name,
               gold.config_id(r.model_name, r.model_version, r.params)
                   as config_id,
               s.era, s.target_draw_date, s.ticket, s.white_1, s.white_2, s.white_3,
               s.white_4, s.white_5, s.special_ball, s.prize_usd
        from staging.prediction_results s
        left join silver.model_runs r on r.model_run_id = s.model_run_id
        where s.staging_id = %(staging_id)s
    ) c
) t
where k > 1
