-- Every prediction of one game whose target draw is in bronze, beside that draw's numbers.
-- Grain: one ticket of one model for one known draw (the rows gold scores).
select p.model_name, p.model_run_id, p.target_draw_date, p.ticket, d.era,
       p.white_1, p.white_2, p.white_3, p.white_4, p.white_5, p.special_ball,
       d.white_1, d.white_2, d.white_3, d.white_4, d.white_5, d.special_ball,
       d.record_hash
from silver.predictions p
join bronze.draws d on d.game = p.game and d.draw_date = p.target_draw_date
where p.game = %(game)s
order by p.model_name, p.target_draw_date, p.ticket
