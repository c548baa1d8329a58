-- Per-number probability scores against what was drawn, summed per model, draw and ball type.
-- Grain: one (model_name, target_draw_date, ball_type) with a known draw (era: the draw's).
-- Scores are clipped to [1e-12, 1 - 1e-12] so a confident miss costs a large but finite log
-- loss.
-- Determinism without sorting: each term is rounded to a multiple of 2^-52 (an int8; terms
-- are at most -ln(1e-12) < 28, so no overflow) and the integers are summed exactly, so the sum
-- is the same to the bit whatever the rows' physical order, the plan or parallel workers.
-- (Ordered float sums, `sum(... order by number)`, gave that too but sorted every group
-- separately: most of an evaluate's time.) The rounding is below 2^-53 per term, under a float8's
-- own rounding of a sum this size.
-- The model list bounds the scan to this game through the key (model_name, game, ...): a
-- filter on game alone read every game's scores.
with scored as (
    select s.model_name, s.target_draw_date, d.era, s.ball_type,
           greatest(least(s.score, 1 - 1e-12), 1e-12) as p,
           case when s.ball_type = 'white'
                then s.number in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5)
                else s.number = d.special_ball end as drawn
    from silver.prediction_scores s
    join bronze.draws d on d.game = s.game and d.draw_date = s.target_draw_date
    where s.game = %(game)s
      and s.model_name = any(array(select distinct r.model_name from silver.model_runs r
                                   where r.game = %(game)s))
)
select model_name, target_draw_date, era, ball_type, count(*) as n_numbers,
       sum(((case when drawn then -ln(p) else -ln(1 - p) end)
            * 4503599627370496.0)::int8)::float8 / 4503599627370496.0 as log_loss_sum,
       sum((power(p - case when drawn then 1 else 0 end, 2)
            * 4503599627370496.0)::int8)::float8 / 4503599627370496.0 as brier_sum
from scored
group by model_name, target_draw_date, era, ball_type
order by model_name, target_draw_date, ball_type
