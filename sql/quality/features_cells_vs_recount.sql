-- Gate features / every valid number of the era once per draw, and every count equal to an
-- independent recount from bronze.draws (window functions, not the Python build), in one pass
-- over the audited rows (one staged write, or the published rows of a date range).
-- The range epoch of each draw and ball type comes from the game definition (parallel arrays
-- per era). Statistics are compared as text tuples: (history_from, era_draws_before, hits_10,
-- hits_25, hits_50, hits_100, hits_era, draws_since_seen, seen_in_era).
-- One row per sampled violation (up to 5 per kind): kind 'numbers' (a cell missing, outside
-- the era's range or audited twice) or 'recount' (an audited cell whose values differ from the
-- recount, or that has no recount cell); `violations` is the kind's total.
with eras as (
    select * from unnest(%(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
                         %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[],
                         %(white_epoch)s::date[], %(special_epoch)s::date[])
        as e(era_start, era_end, white_min, white_max, special_min, special_max,
             white_epoch, special_epoch)
), audited as (
    select draw_date, ball_type, number, history_from, era_draws_before, hits_10, hits_25,
           hits_50, hits_100, hits_era, draws_since_seen, seen_in_era
    from staging.number_features where staging_id = %(staging_id)s
    union all
    select draw_date, ball_type, number, history_from, era_draws_before, hits_10, hits_25,
           hits_50, hits_100, hits_era, draws_since_seen, seen_in_era
    from silver.number_features
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
), audited_span as (
    select min(draw_date) as first_day, max(draw_date) as last_day from audited
), span_epoch as (  -- epochs only move forward: the first audited draw's are the earliest
    select least(e.white_epoch, e.special_epoch) as first_day
    from eras e, audited_span s
    where s.first_day >= e.era_start and (e.era_end is null or s.first_day < e.era_end)
), draws as (
    select b.draw_date, array[b.white_1, b.white_2, b.white_3, b.white_4, b.white_5] as whites,
           b.special_ball, e.*
    from bronze.draws b
    join eras e on b.draw_date >= e.era_start and (e.era_end is null or b.draw_date < e.era_end)
    where b.game = %(game)s and b.draw_date <= (select last_day from audited_span)
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
), compared as (  -- union and group instead of a join: no plan depends on row estimates
    select draw_date, ball_type, number, 1 as audited,
           (history_from, era_draws_before, hits_10::int, hits_25::int, hits_50::int,
            hits_100::int, hits_era, draws_since_seen, seen_in_era)::text as stats
    from audited
    union all
    select draw_date, ball_type, number::smallint, 0,
           (epoch, era_draws_before::int, hits_10::int, hits_25::int, hits_50::int,
            hits_100::int, hits_era::int, coalesce(since_last, era_draws_before)::int,
            since_last is not null)::text
    from counted
    where draw_date in (select draw_date from audited)
), grouped as (  -- min/max instead of count(distinct): a hash aggregate, no sort
    select draw_date, ball_type, number, sum(audited) as audited_n,
           count(*) - sum(audited) as recount_n,
           min(stats) filter (where audited = 1) as audited_min,
           max(stats) filter (where audited = 1) as audited_stats,
           max(stats) filter (where audited = 0) as recounted
    from compared
    group by draw_date, ball_type, number
), judged as (
    select *, audited_n <> 1 or recount_n <> 1 as numbers_bad,
           audited_n > 0 and (recount_n <> 1 or audited_stats is distinct from recounted
                              or audited_min is distinct from audited_stats) as recount_bad
    from grouped
), flagged as (  -- one row per (violation, kind), built only for the violating cells
    select j.*, k.kind
    from (select * from judged where numbers_bad or recount_bad) j
    cross join lateral (values ('numbers', j.numbers_bad), ('recount', j.recount_bad)) k(kind, bad)
    where k.bad
), ranked as (
    select *, count(*) over (partition by kind) as violations,
           row_number() over (partition by kind order by draw_date, ball_type, number) as rn
    from flagged
)
select kind, violations, draw_date, ball_type, number,
       case when audited_n = 0 then 'missing'
            when recount_n = 0 then 'not a valid number of the era (or not a bronze draw)'
            when audited_n > 1 then 'present ' || audited_n || ' times' end as problem,
       audited_stats as staged, recounted
from ranked
where rn <= 5
order by kind, rn
