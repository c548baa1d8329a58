-- The calibration sums (gold.calibration_sums) of every staged (model, draw) whose stored sums
-- are missing or were computed from another model run or draw revision; evaluate COPYs them
-- into staging.calibration_sums (one run: staging_id) and the publish moves them into gold. A
-- SELECT, not an INSERT ... SELECT: PostgreSQL plans no parallel workers for an INSERT, and
-- the many-rows variant ran 1.3-1.9x slower as one (10-15 s against 7.9-8.4 s, 10^5 results).
-- Grain: one (model_name, target_draw_date) of the run's staged results, columns in
-- pipeline/gold/tables.py TABLES['staging.calibration_sums'] order; per ball type the number
-- of scores and the exact integer sums of their log loss and Brier terms, null without scores
-- of that type.
-- Scores are clipped to [1e-12, 1 - 1e-12] so a confident miss costs a large but finite log
-- loss. Determinism without sorting: each term is rounded to a multiple of 2^-52 (an int8;
-- terms are at most -ln(1e-12) < 28, so no overflow) and the integers are summed exactly, so a
-- sum is the same to the bit whatever the rows' physical order, the plan or parallel workers,
-- and a stored sum equals a recomputed one. The rounding is below 2^-53 per term, under a
-- float8's own rounding of a sum this size.
-- Cost: ~95 score rows are read per recomputed (model, draw): all of them on a game's first
-- evaluate, only the rescored or corrected ones afterwards (none on a rerun). How they are read
-- is %(scan)s (evaluate sets it from calibration_stale.sql's counts): false probes the scores'
-- key once per stale (model, draw); true reads the game's scores once with hash joins, cheaper
-- from about a quarter of them on (a first evaluate). The branch not chosen is a constant-false
-- filter, pruned when the statement is planned, so each plan is that of its own query. A run's tickets
-- of one (model, draw) share one model run (silver replaces them together), so the smallest
-- run id stands for them; if they ever did not, the sums would be recomputed every run.
with stale as (
    select r.model_name, r.target_draw_date, min(r.model_run_id::text)::uuid as model_run_id,
           min(r.draw_record_hash) as draw_record_hash
    from staging.prediction_results r
    where r.staging_id = %(staging_id)s
      and not exists (select 1 from gold.calibration_sums c
                      where c.game = %(game)s and c.model_name = r.model_name
                        and c.target_draw_date = r.target_draw_date
                        and c.model_run_id = r.model_run_id
                        and c.draw_record_hash = r.draw_record_hash)
    group by r.model_name, r.target_draw_date
), scored as (
    select s.model_name, s.target_draw_date, s.ball_type, s.score, s.number,
           d.white_1, d.white_2, d.white_3, d.white_4, d.white_5, d.special_ball
    from stale k
    join silver.prediction_scores s
      on s.model_name = k.model_name and s.game = %(game)s
     and s.target_draw_date = k.target_draw_date
    join bronze.draws d on d.game = %(game)s and d.draw_date = k.target_draw_date
    where not %(scan)s
    union all
    select s.model_name, s.target_draw_date, s.ball_type, s.score, s.number,
           d.white_1, d.white_2, d.white_3, d.white_4, d.white_5, d.special_ball
    from silver.prediction_scores s
    join bronze.draws d on d.draw_date = s.target_draw_date
    where %(scan)s and s.game = %(game)s and d.game = %(game)s
      and s.model_name = any(array(select distinct k.model_name from stale k))
), sums as (
    select s.model_name, s.target_draw_date, s.ball_type, count(*) as n_numbers,
           sum(((case when s.drawn then -ln(s.p) else -ln(1 - s.p) end)
                * 4503599627370496.0)::int8) as log_loss_units,
           sum((power(s.p - case when s.drawn then 1 else 0 end, 2)
                * 4503599627370496.0)::int8) as brier_units
    from (
        select s.model_name, s.target_draw_date, s.ball_type,
               greatest(least(s.score, 1 - 1e-12), 1e-12) as p,
               case when s.ball_type = 'white'
                    then s.number in (s.white_1, s.white_2, s.white_3, s.white_4, s.white_5)
                    else s.number = s.special_ball end as drawn
        from scored s
    ) s
    group by s.model_name, s.target_draw_date, s.ball_type
)
select k.model_name, %(game)s, k.target_draw_date, k.model_run_id, k.draw_record_hash,
       w.n_numbers, w.log_loss_units, w.brier_units,
       x.n_numbers, x.log_loss_units, x.brier_units
from stale k
left join sums w on w.model_name = k.model_name and w.target_draw_date = k.target_draw_date
                and w.ball_type = 'white'
left join sums x on x.model_name = k.model_name and x.target_draw_date = k.target_draw_date
                and x.ball_type = 'special'
