-- Gate features / dated strictly before their draw: as_of_draw_date (the last draw the counts
-- used) must be earlier than draw_date and be the game's bronze draw just before it
-- (audited rows: one staged write, or the published rows of a date range).
with audited as (
    select draw_date, ball_type, number, as_of_draw_date
    from staging.number_features where staging_id = %(staging_id)s
    union all
    select draw_date, ball_type, number, as_of_draw_date from silver.number_features
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
), previous as (
    select draw_date, lag(draw_date) over (order by draw_date) as previous_draw
    from bronze.draws where game = %(game)s
)
select count(*) over () as violations, s.draw_date, s.ball_type, s.number, s.as_of_draw_date,
       p.previous_draw
from audited s
left join previous p using (draw_date)
where s.as_of_draw_date >= s.draw_date or p.previous_draw is null
   or s.as_of_draw_date <> p.previous_draw
order by s.draw_date, s.ball_type, s.number
limit 5
