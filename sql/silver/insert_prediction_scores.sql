-- Publish step 4: the staged write's per-number probabilities.
insert into silver.prediction_scores (model_name, game, target_draw_date, ball_type, number, score)
select model_name, game, target_draw_date, ball_type, number, score
from staging.prediction_scores
where staging_id = %(staging_id)s
