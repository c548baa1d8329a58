-- The staged draws of one batch, for the bronze suite's row-level (GX) expectations.
select line_no, game, draw_date, white_1, white_2, white_3, white_4, white_5,
       special_ball, multiplier, era
from staging.draws
where batch_id = %(batch_id)s
order by line_no
