-- The published draws of one game (optionally a date range), for `check bronze` on demand.
select game, draw_date, white_1, white_2, white_3, white_4, white_5,
       special_ball, multiplier, era
from bronze.draws
where game = %(game)s
  and (%(date_from)s::date is null or draw_date >= %(date_from)s::date)
  and (%(date_to)s::date is null or draw_date <= %(date_to)s::date)
order by draw_date
