-- Gate features / the compact rows the features expectations check: one row per (draw_date,
-- ball_type) of the audited rows (one staged write, or the published rows of a date range),
-- summarising its numbers and counts, beside the game definition's rules for that date (the
-- era's name, the ball type's range and range epoch; null before the first era). Grain:
-- draw_date, ball_type. The era arrays are era_sql_params' (pipeline/silver/eras.py); a ball
-- type other than 'white' gets the special ball's rules.
-- One hash aggregation, no sort: distinct numbers are bits of two bigints (numbers 0-127)
-- and distinct eras one when the smallest equals the largest; only a group outside those
-- (a damaged write) counts them exactly, from its own rows (index on the staged draw dates).
with eras as materialized (  -- once: inlined, the rules' join re-ran the unnest per row
    select * from staging.game_eras(
        %(era_name)s::text[], %(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
        %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[],
        %(white_epoch)s::date[], %(special_epoch)s::date[]) e
), audited as not materialized (  -- inlined at each use (the exact fallbacks read few rows)
    select game, draw_date, era, ball_type, number, history_from, as_of_draw_date,
           era_draws_before, hits_10, hits_25, hits_50, hits_100, hits_era, draws_since_seen,
           seen_in_era
    from staging.number_features where staging_id = %(staging_id)s
    union all
    select game, draw_date, era, ball_type, number, history_from, as_of_draw_date,
           era_draws_before, hits_10, hits_25, hits_50, hits_100, hits_era, draws_since_seen,
           seen_in_era
    from silver.number_features
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
), grouped as (
    select draw_date, ball_type,
           min(era) as era, max(era) as last_era,
           count(*) as numbers,
           bit_or(case when number between 0 and 63 then 1::bigint << number end) as low_bits,
           bit_or(case when number between 64 and 127 then 1::bigint << (number - 64) end)
               as high_bits,
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
), summary as (
    select g.draw_date, g.ball_type, g.era,
           case when g.era is null then 0::bigint when g.era = g.last_era then 1::bigint
                else (select count(distinct a.era) from audited a
                      where a.draw_date = g.draw_date and a.ball_type = g.ball_type) end
               as eras,
           g.numbers,
           case when g.min_number >= 0 and g.max_number <= 127 then
                    (coalesce(bit_count(g.low_bits::bit(64)), 0)
                     + coalesce(bit_count(g.high_bits::bit(64)), 0))
                else (select count(distinct a.number) from audited a
                      where a.draw_date = g.draw_date and a.ball_type = g.ball_type) end
               as distinct_numbers,
           g.min_number, g.max_number, g.history_from, g.min_era_draws_before,
           g.max_era_draws_before, g.max_hits_10, g.max_hits_25, g.max_hits_50, g.max_hits_100,
           g.max_hits_era, g.max_draws_since_seen, g.min_count, g.null_cells
    from grouped g
)
select s.*, e.era_name as rule_era,
       case when s.ball_type = 'white' then e.white_min else e.special_min end as rule_min,
       case when s.ball_type = 'white' then e.white_max else e.special_max end as rule_max,
       case when s.ball_type = 'white' then e.white_epoch else e.special_epoch end
           as rule_history_from
from summary s
left join eras e on s.draw_date >= e.era_start and (e.era_end is null or s.draw_date < e.era_end)
order by s.draw_date, s.ball_type
