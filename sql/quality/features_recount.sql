-- Gate features / counts consistent with bronze: every staged row's statistics recounted from
-- bronze.draws with window functions, independently of the Python build. The range epoch of
-- each draw and ball type comes from the game definition (parallel arrays per era). Values are
-- compared as text tuples: (history_from, era_draws_before, hits_10, hits_25, hits_50,
-- hits_100, hits_era, draws_since_seen, seen_in_era).
with eras as (
    select * from unnest(%(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
                         %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[],
                         %(white_epoch)s::date[], %(special_epoch)s::date[])
        as e(era_start, era_end, white_min, white_max, special_min, special_max,
             white_epoch, special_epoch)
), staged_span as (
    select min(draw_date) as first_day, max(draw_date) as last_day
    from staging.number_features where staging_id = %(staging_id)s
), span_epoch as (  -- epochs only move forward: the first staged draw's are the earliest
    select least(e.white_epoch, e.special_epoch) as first_day
    from eras e, staged_span s
    where s.first_day >= e.era_start and (e.era_end is null or s.first_day < e.era_end)
), draws as (
    select b.draw_date, array[b.white_1, b.white_2, b.white_3, b.white_4, b.white_5] as whites,
           b.special_ball, e.*
    from bronze.draws b
    join eras e on b.draw_date >= e.era_start and (e.era_end is null or b.draw_date < e.era_end)
    where b.game = %(game)s and b.draw_date <= (select last_day from staged_span)
      and b.draw_date >= (select first_day from span_epoch)
), cells as (
    select d.draw_date, c.ball_type, c.epoch, n.number,
           case when c.ball_type = 'white' then n.number = any(d.whites)
                else n.number = d.special_ball end as hit
    from draws d
    cross join lateral (values ('white', d.white_min, d.white_max, d.white_epoch),
                               ('special', d.special_min, d.special_max, d.special_epoch))
        c(ball_type, lo, hi, epoch)
    cross join lateral generate_series(c.lo, c.hi) n(number)
), numbered as (
    select *, row_number() over w_order as rn
    from cells
    window w_order as (partition by ball_type, number, epoch order by draw_date)
), before as (  -- statistics of the epoch draws strictly before each draw
    select draw_date, ball_type, number, epoch,
           count(*) over w_before as era_draws_before,
           coalesce(sum(hit::int) over w_before, 0) as hits_era,
           -- draws after the last hit = draws before this one - position of the last hit
           count(*) over w_before - max(case when hit then rn end) over w_before as since_last
    from numbered
    window w_before as (partition by ball_type, number, epoch order by draw_date
                        rows between unbounded preceding and 1 preceding)
), counted as (  -- last-w windows as differences of the running count (lag stays in the epoch)
    select *,
           hits_era - coalesce(lag(hits_era, 10) over w, 0) as hits_10,
           hits_era - coalesce(lag(hits_era, 25) over w, 0) as hits_25,
           hits_era - coalesce(lag(hits_era, 50) over w, 0) as hits_50,
           hits_era - coalesce(lag(hits_era, 100) over w, 0) as hits_100
    from before
    window w as (partition by ball_type, number, epoch order by draw_date)
)
, compared as (  -- union and group instead of a join: no plan depends on row estimates
    select draw_date, ball_type, number, 1 as staged,
           (history_from, era_draws_before, hits_10::int, hits_25::int, hits_50::int,
            hits_100::int, hits_era, draws_since_seen, seen_in_era)::text as stats
    from staging.number_features where staging_id = %(staging_id)s
    union all
    select draw_date, ball_type, number, 0,
           (epoch, era_draws_before::int, hits_10::int, hits_25::int, hits_50::int,
            hits_100::int, hits_era::int, coalesce(since_last, era_draws_before)::int,
            since_last is not null)::text
    from counted
    where draw_date >= (select first_day from staged_span)
)
select count(*) over () as violations, draw_date, ball_type, number,
       max(stats) filter (where staged = 1) as staged,
       max(stats) filter (where staged = 0) as recounted
from compared
group by draw_date, ball_type, number
having sum(staged) > 0
   and (count(*) filter (where staged = 0) <> 1 or count(distinct stats) <> 1)
order by draw_date, ball_type, number
limit 5
