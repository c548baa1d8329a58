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
-- Cost: this reads ~95 score rows per result, so each row does as little as possible: the join
-- to the draws is on the date alone (both sides filtered to the game) and the groups are keyed
-- without the era (a function of the date), which is joined to the 10^5-fold fewer groups
-- afterwards: a text column less to hash per score row, a third to a half of the query.
with sums as (
    select s.model_name, s.target_draw_date, s.ball_type, count(*) as n_numbers,
           sum(((case when s.drawn then -ln(s.p) else -ln(1 - s.p) end)
                * 4503599627370496.0)::int8) as log_loss_units,
           sum((power(s.p - case when s.drawn then 1 else 0 end, 2)
                * 4503599627370496.0)::int8) as brier_units
    from (
        select s.model_name, s.target_draw_date, s.ball_type,
               greatest(least(s.score, 1 - 1e-12), 1e-12) as p,
               case when s.ball_type = 'white'
                    then s.number in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5)
                    else s.number = d.special_ball end as drawn
        from silver.prediction_scores s
        join bronze.draws d on d.draw_date = s.target_draw_date
        where s.game = %(game)s and d.game = %(game)s
          and s.model_name = any(array(select distinct r.model_name from silver.model_runs r
                                       where r.game = %(game)s))
    ) s
    group by s.model_name, s.target_draw_date, s.ball_type
)
select c.model_name, c.target_draw_date, d.era, c.ball_type, c.n_numbers,
       c.log_loss_units::float8 / 4503599627370496.0 as log_loss_sum,
       c.brier_units::float8 / 4503599627370496.0 as brier_sum
from sums c
join bronze.draws d on d.game = %(game)s and d.draw_date = c.target_draw_date
order by c.model_name, c.target_draw_date, c.ball_type
