-- Gate features / every valid number of the era once per draw, and every count equal to an
-- independent recount from bronze.draws (window functions, not the Python build), in one pass
-- over the audited rows (one staged write, or the published rows of a date range).
-- The range epoch of each draw and ball type comes from the game definition (parallel arrays
-- per era). Statistics compared: (history_from, era_draws_before, hits_10, hits_25, hits_50,
-- hits_100, hits_era, draws_since_seen, seen_in_era); samples show them as text tuples.
-- One row per sampled violation (up to 5 per kind): kind 'numbers' (a cell missing, outside
-- the era's range or audited twice; every bronze draw from the first audited draw on is
-- expected, so a draw with no audited row is missing all its cells) or 'recount' (an audited
-- cell whose values differ from the recount, or that has no recount cell); `violations` is
-- the kind's total.
-- Cost: the recount is one sort of the cells on integer and date keys (ball types as codes:
-- a text key sorts by collation, several times slower) and one window pass; audited and
-- recount cells meet in a hash full join (a full join is never a nested loop, whatever the row
-- estimates); text tuples are built only for the violating cells.
-- The gate runs it only when features_cells_clean.sql (the same verdict in one cheaper pass)
-- finds something: this query names the violations and their samples.
with eras as (
    select * from staging.game_eras(
        %(era_name)s::text[], %(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
        %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[],
        %(white_epoch)s::date[], %(special_epoch)s::date[]) e
), audited as materialized (
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
), draws as (  -- rn: the draw's position in each ball's epoch (every number of the epoch's
                -- range has a cell in each of its draws: no window over the cells for it)
    select b.draw_date, array[b.white_1, b.white_2, b.white_3, b.white_4, b.white_5] as whites,
           b.special_ball, e.*,
           row_number() over (partition by e.white_epoch order by b.draw_date) as white_rn,
           row_number() over (partition by e.special_epoch order by b.draw_date) as special_rn
    from bronze.draws b
    join eras e on b.draw_date >= e.era_start and (e.era_end is null or b.draw_date < e.era_end)
    where b.game = %(game)s and b.draw_date <= (select last_day from audited_span)
      and b.draw_date >= (select first_day from span_epoch)
), cells as (  -- ball 0 = white, 1 = special
    select d.draw_date, c.ball, c.epoch, c.rn, n.number,
           case when c.ball = 0 then n.number = any(d.whites)
                else n.number = d.special_ball end as hit
    from draws d
    cross join lateral (values (0, d.white_min, d.white_max, d.white_epoch, d.white_rn),
                               (1, d.special_min, d.special_max, d.special_epoch, d.special_rn))
        c(ball, lo, hi, epoch, rn)
    cross join lateral generate_series(c.lo, c.hi) n(number)
), running as (  -- through each draw, inclusive
    select draw_date, ball, number, epoch, rn - 1 as era_draws_before,
           sum(hit::int) over w - hit::int as hits_era,
           max(case when hit then rn end) over w as last_hit_rn
    from cells
    window w as (partition by ball, number, epoch order by draw_date rows unbounded preceding)
), counted as (  -- last-w windows as differences of the running count (lag stays in the epoch)
    select draw_date, ball, number, epoch, era_draws_before, hits_era,
           hits_era - coalesce(lag(hits_era, 10) over w, 0) as hits_10,
           hits_era - coalesce(lag(hits_era, 25) over w, 0) as hits_25,
           hits_era - coalesce(lag(hits_era, 50) over w, 0) as hits_50,
           hits_era - coalesce(lag(hits_era, 100) over w, 0) as hits_100,
           lag(last_hit_rn) over w as last_before
    from running
    window w as (partition by ball, number, epoch order by draw_date)
), recount as (
    select c.draw_date, case c.ball when 0 then 'white' else 'special' end as ball_type,
           c.number::smallint as number, c.epoch, c.era_draws_before::int as era_draws_before,
           c.hits_10::int as hits_10, c.hits_25::int as hits_25, c.hits_50::int as hits_50,
           c.hits_100::int as hits_100, c.hits_era::int as hits_era,
           coalesce(c.era_draws_before - c.last_before, c.era_draws_before)::int
               as draws_since_seen,
           c.last_before is not null as seen_in_era
    from counted c
    where c.draw_date >= (select first_day from audited_span)
), paired as (  -- only the cells where something is wrong
    select coalesce(a.draw_date, r.draw_date) as draw_date,
           coalesce(a.ball_type, r.ball_type) as ball_type,
           coalesce(a.number, r.number) as number,
           a.draw_date is not null as audited, r.draw_date is not null as recounted,
           case when a.draw_date is not null then
               (a.history_from, a.era_draws_before, a.hits_10::int, a.hits_25::int,
                a.hits_50::int, a.hits_100::int, a.hits_era, a.draws_since_seen,
                a.seen_in_era)::text end as audited_stats,
           case when r.draw_date is not null then
               (r.epoch, r.era_draws_before, r.hits_10, r.hits_25, r.hits_50, r.hits_100,
                r.hits_era, r.draws_since_seen, r.seen_in_era)::text end as recount_stats
    from audited a
    full join recount r
        on a.draw_date = r.draw_date and a.ball_type = r.ball_type and a.number = r.number
    where a.draw_date is null or r.draw_date is null
       or (a.history_from, a.era_draws_before, a.hits_10, a.hits_25, a.hits_50, a.hits_100,
           a.hits_era, a.draws_since_seen, a.seen_in_era)
          is distinct from
          (r.epoch, r.era_draws_before, r.hits_10, r.hits_25, r.hits_50, r.hits_100,
           r.hits_era, r.draws_since_seen, r.seen_in_era)
), recount_size as (  -- the recount's cells: each draw's two ranges
    select coalesce(sum(greatest(d.white_max - d.white_min + 1, 0)
                        + greatest(d.special_max - d.special_min + 1, 0)), 0) as cells
    from draws d
    where d.draw_date >= (select first_day from audited_span)
), duplicated as (  -- cells audited more than once (possibly each equal to the recount)
    -- Only looked for when something differs or the audited rows outnumber the recount's
    -- cells: otherwise every recount cell met at least one audited row and every audited row
    -- one recount cell, so equal counts leave exactly one each (a whole grouping pass saved).
    select draw_date, ball_type, number, count(*) as copies
    from audited
    where exists (select from paired)
       or (select count(*) from audited) > (select cells from recount_size)
    group by draw_date, ball_type, number having count(*) > 1
), duplicated_stats as (  -- few rows: text tuples for them only
    select d.draw_date, d.ball_type, d.number, d.copies,
           max((a.history_from, a.era_draws_before, a.hits_10::int, a.hits_25::int,
                a.hits_50::int, a.hits_100::int, a.hits_era, a.draws_since_seen,
                a.seen_in_era)::text) as audited_stats
    from duplicated d join audited a using (draw_date, ball_type, number)
    group by d.draw_date, d.ball_type, d.number, d.copies
), judged as (  -- per violating cell
    select draw_date, ball_type, number,
           case when bool_or(not audited) then 0 else coalesce(max(copies), 1) end
               as audited_n,
           not bool_or(not recounted) as has_recount,
           bool_or(audited and not recounted) or bool_or(audited and recounted and differs)
               as recount_differs,
           max(audited_stats) as audited_stats,
           -- a duplicated cell with no differing copy equals its recount
           coalesce(max(recount_stats),
                    case when not bool_or(not recounted) then max(audited_stats) end)
               as recounted
    from (select p.*, null::bigint as copies, true as differs from paired p
          union all
          select d.draw_date, d.ball_type, d.number, true, true, d.audited_stats, null,
                 d.copies, false
          from duplicated_stats d) k
    group by draw_date, ball_type, number
), flagged as (  -- one row per (violation, kind)
    select j.*, k.kind
    from judged j
    cross join lateral (values ('numbers', j.audited_n <> 1 or not j.has_recount),
                               ('recount', j.audited_n > 0 and j.recount_differs)) k(kind, bad)
    where k.bad
), ranked as (
    select *, count(*) over (partition by kind) as violations,
           row_number() over (partition by kind order by draw_date, ball_type, number) as rn
    from flagged
)
select kind, violations, draw_date, ball_type, number,
       case when audited_n = 0 then 'missing'
            when not has_recount then 'not a valid number of the era (or not a bronze draw)'
            when audited_n > 1 then 'present ' || audited_n || ' times' end as problem,
       audited_stats as staged, recounted
from ranked
where rn <= 5
order by kind, rn
