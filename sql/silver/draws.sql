-- The bronze draws of one game, oldest first, optionally only those before a date (a target:
-- nothing on or after it is ever read) or up to a date (a backtest's last target).
select draw_date, white_1, white_2, white_3, white_4, white_5, special_ball, record_hash
from bronze.draws
where game = %(game)s
  and (%(before)s::date is null or draw_date < %(before)s::date)
  and (%(through)s::date is null or draw_date <= %(through)s::date)
order by draw_date
