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
           lead(draw_date) over (order by draw_date) as next
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
  -- A gap's days lie strictly between two history dates, so inside the history's span
  -- without computing it (a min/max over the whole history was a second window pass, a third
  -- of this query); empty history has no gap, so no date is scheduled.
  and d >= coalesce(%(first_day)s::date, d)
  and (%(date_from)s::date is null or d >= %(date_from)s::date)
  and (%(date_to)s::date is null or d <= %(date_to)s::date)
  and exists (select 1 from rules
              where d >= rules.from_day and (rules.to_day is null or d < rules.to_day)
                and extract(isodow from d)::int - 1 = rules.dow)
order by 1
