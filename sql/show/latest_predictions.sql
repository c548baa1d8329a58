-- show / report: each model's tickets for its latest target draw, through the gold view
-- (grain: one (model_name, ticket); pending = the draw is not in bronze yet).
select model_name, target_draw_date, ticket, era,
       white_1, white_2, white_3, white_4, white_5, special_ball,
       pending, white_matches, special_match, prize_tier
from gold.latest_predictions
where game = %(game)s
order by target_draw_date desc, model_name, ticket
