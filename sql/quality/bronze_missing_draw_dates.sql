-- Audit: scheduled draw dates absent from the game's history (published bronze plus the
-- batch being checked), between the first and last draw that history holds.
-- The schedule comes from games.toml as parallel arrays, one entry per (schedule, weekday):
-- sched_from/sched_to (exclusive, null = open) and sched_dow (0 = Monday).
-- Returns one row per missing date.
-- Only the days inside a gap between two consecutive history dates can be missing, so the
-- calendar is generated for the gaps alone (a full calendar of a long daily history cost
-- more than the rest of the gate).
with history as (
    select draw_date from bronze.draws where game = %(game)s
    union
    select draw_date from staging.draws where batch_id = %(batch_id)s::uuid
),
span as (
    -- Empty history: hi is null and no date is scheduled.
    select greatest(min(draw_date), %(first_day)s::date,
                    coalesce(%(date_from)s::date, min(draw_date))) as lo,
           least(max(draw_date), coalesce(%(date_to)s::date, max(draw_date))) as hi
    from history
),
gaps as (
    select draw_date as after, lead(draw_date) over (order by draw_date) as next
    from history
),
rules as (
    select * from unnest(%(sched_from)s::date[], %(sched_to)s::date[], %(sched_dow)s::int[])
        as r(from_day, to_day, dow)
)
select d::date as day
from gaps, span, generate_series(gaps.after + 1, gaps.next - 1, interval '1 day') as d
where gaps.next > gaps.after + 1
  and d >= span.lo and d <= span.hi
  and exists (select 1 from rules
              where d >= rules.from_day and (rules.to_day is null or d < rules.to_day)
                and extract(isodow from d)::int - 1 = rules.dow)
order by 1
