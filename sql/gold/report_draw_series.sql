-- Report: per model, era and draw, the tickets scored and their white matches, oldest first.
-- Grain: one (model_name, era, target_draw_date) of one game.
select model_name, era, target_draw_date, count(*) as tickets,
       sum(white_matches) as white_matches
from gold.prediction_results
where game = %(game)s
group by model_name, era, target_draw_date
order by model_name, era, target_draw_date
