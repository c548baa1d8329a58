-- Audit: scheduled draw dates absent from the game's history (published bronze plus the
-- batch being checked), between the first and last draw that history holds.
-- The schedule comes from games.toml as parallel arrays, one entry per (schedule, weekday):
-- sched_from/sched_to (exclusive, null = open) and sched_dow (0 = Monday).
-- Returns one row per missing date.
-- Only the days inside a gap between two consecutive history dates can be missing, so the
-- calendar is generated for the gaps alone (a full calendar of a long daily history cost
-- more than the rest of the gate). One sort of the history serves the gaps and the span: a
-- date both published and staged repeats (union all, no de-duplicating pass) and only makes
-- a gap of zero days.
with gaps as (
    select draw_date as after,
           lead(draw_date) over (order by draw_date) as next,
           min(draw_date) over () as first_date,
           max(draw_date) over () as last_date
    from (
        select draw_date from bronze.draws where game = %(game)s
        union all
        select draw_date from staging.draws where batch_id = %(batch_id)s::uuid
    ) history
),
rules as (
    select * from unnest(%(sched_from)s::date[], %(sched_to)s::date[], %(sched_dow)s::int[])
        as r(from_day, to_day, dow)
)
select d::date as day
from gaps,
     generate_series(gaps.after + 1, gaps.next - 1, interval '1 day') as d
where gaps.next > gaps.after + 1
  -- the span: empty history has no gap, so no date is scheduled
  and d >= greatest(gaps.first_date, %(first_day)s::date,
                    coalesce(%(date_from)s::date, gaps.first_date))
  and d <= least(gaps.last_date, coalesce(%(date_to)s::date, gaps.last_date))
  and exists (select 1 from rules
              where d >= rules.from_day and (rules.to_day is null or d < rules.to_day)
                and extract(isodow from d)::int - 1 = rules.dow)
order by 1
