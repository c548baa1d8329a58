-- Gate features / every valid number of the era present, once, for each staged draw:
-- (draw, ball type, number) cells missing, outside the era's range, or staged twice.
-- The eras come from the game definition as parallel arrays (era_start, era_end, ranges).
with eras as (
    select * from unnest(%(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
                         %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[])
        as e(era_start, era_end, white_min, white_max, special_min, special_max)
), draws as (
    select distinct draw_date from staging.number_features where staging_id = %(staging_id)s
), expected as (
    select d.draw_date, b.ball_type, n.number::smallint as number
    from draws d
    join eras e on d.draw_date >= e.era_start and (e.era_end is null or d.draw_date < e.era_end)
    cross join lateral (values ('white', e.white_min, e.white_max),
                               ('special', e.special_min, e.special_max)) b(ball_type, lo, hi)
    cross join lateral generate_series(b.lo, b.hi) n(number)
), cells as (  -- union and group instead of a join: no plan depends on row estimates
    select draw_date, ball_type, number, 1 as expected, 0 as staged from expected
    union all
    select draw_date, ball_type, number, 0, 1
    from staging.number_features where staging_id = %(staging_id)s
)
select count(*) over () as violations, draw_date, ball_type, number,
       case when sum(staged) = 0 then 'missing'
            when sum(expected) = 0 then 'not a valid number of the era'
            else 'staged ' || sum(staged) || ' times' end as problem
from cells
group by draw_date, ball_type, number
having sum(expected) <> 1 or sum(staged) <> 1
order by draw_date, ball_type, number
limit 5
