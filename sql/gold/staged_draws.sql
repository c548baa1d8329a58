-- Per-draw totals of one evaluate's staged results, what pipeline/gold/performance.py
-- aggregates (per_draw_from_totals): grain one (model_name, config_id, era, target_draw_date),
-- a model's tickets for one draw (one prediction set, so one configuration). config_id is
-- sql/gold/model_configs.sql's, null when the result's model run is missing from silver.
-- prize_sum here only for a draw with one ticket (the prize itself, 0 when none): several
-- tickets' prizes are summed in Python, as pandas always summed them
-- (sql/gold/staged_shared_tickets.sql).
select s.model_name,
       left(md5(r.model_name || '|' || r.model_version || '|' || r.params::text), 12)
           as config_id,
       s.era, s.target_draw_date, count(*) as k, sum(s.white_matches) as white,
       count(*) filter (where s.special_match) as special,
       count(*) filter (where s.prize_tier <> 'none') as prize_hits,
       count(*) filter (where s.is_jackpot) as jackpot_hits,
       case when count(*) = 1 then coalesce(max(s.prize_usd), 0)::float8 end as prize_sum
from staging.prediction_results s
left join silver.model_runs r on r.model_run_id = s.model_run_id
where s.staging_id = %(staging_id)s
group by 1, 2, 3, 4
