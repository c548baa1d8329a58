-- Expand the landed score arrays into staging.prediction_scores (one row per number).
insert into staging.prediction_scores (model_name, game, target_draw_date, ball_type, number,
    score, staging_id)
select w.model_name, w.game, w.target_draw_date, w.ball_type,
       (w.first_number + u.position - 1)::smallint, u.score, %(staging_id)s
from score_wire w
cross join lateral unnest(w.scores) with ordinality as u(score, position)
