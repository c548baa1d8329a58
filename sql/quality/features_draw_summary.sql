-- Gate features / the compact frame Great Expectations validates: one row per (draw_date,
-- ball_type) of the audited rows (one staged write, or the published rows of a date range),
-- summarising its numbers and counts. Grain: draw_date, ball_type.
with audited as (
    select * from staging.number_features where staging_id = %(staging_id)s
    union all
    select *, null::uuid from silver.number_features
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
)
select draw_date, ball_type,
       min(era) as era, count(distinct era) as eras,
       count(*) as numbers, count(distinct number) as distinct_numbers,
       min(number) as min_number, max(number) as max_number,
       min(history_from) as history_from,
       min(era_draws_before) as min_era_draws_before,
       max(era_draws_before) as max_era_draws_before,
       max(hits_10) as max_hits_10, max(hits_25) as max_hits_25,
       max(hits_50) as max_hits_50, max(hits_100) as max_hits_100,
       max(hits_era) as max_hits_era, max(draws_since_seen) as max_draws_since_seen,
       least(min(hits_10), min(hits_25), min(hits_50), min(hits_100), min(hits_era),
             min(draws_since_seen)) as min_count,
       sum(num_nulls(game, era, history_from, as_of_draw_date, era_draws_before, hits_10,
                     hits_25, hits_50, hits_100, hits_era, draws_since_seen, seen_in_era))
           as null_cells
from audited
group by draw_date, ball_type
order by draw_date, ball_type
