-- Per-number probability scores against what was drawn, summed per model, draw and ball type.
-- Grain: one (model_name, target_draw_date, ball_type) with a known draw (era: the draw's). Scores are clipped to
-- [1e-12, 1 - 1e-12] so a confident miss costs a large but finite log loss. The sums run in number
-- order so the float result does not depend on the rows' physical order (reruns agree to the bit).
with scored as (
    select s.model_name, s.target_draw_date, d.era, s.ball_type, s.number,
           greatest(least(s.score, 1 - 1e-12), 1e-12) as p,
           case when s.ball_type = 'white'
                then s.number in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5)
                else s.number = d.special_ball end as drawn
    from silver.prediction_scores s
    join bronze.draws d on d.game = s.game and d.draw_date = s.target_draw_date
    where s.game = %(game)s
)
select model_name, target_draw_date, era, ball_type, count(*) as n_numbers,
       sum(case when drawn then -ln(p) else -ln(1 - p) end order by number) as log_loss_sum,
       sum(power(p - case when drawn then 1 else 0 end, 2) order by number) as brier_sum
from scored
group by model_name, target_draw_date, era, ball_type
order by model_name, target_draw_date, ball_type
