-- Report exploration: every draw of one game in bronze, oldest first (grain: one draw).
select draw_date, era, white_1, white_2, white_3, white_4, white_5, special_ball
from bronze.draws
where game = %(game)s
order by draw_date
