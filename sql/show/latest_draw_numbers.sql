-- show: the latest draw of one game in bronze (grain: one draw, or no row).
select draw_date, era, white_1, white_2, white_3, white_4, white_5, special_ball, multiplier
from bronze.draws
where game = %(game)s
order by draw_date desc
limit 1
