-- The calibration sums (gold.calibration_sums) of every staged (model, draw) whose stored sums
-- are missing or were computed from another model run or draw revision, into the session's
-- temporary table calibration_sums_run (dropped at the stage's commit); evaluate then moves them
-- into staging.calibration_sums (sql/gold/stage_calibration_sums_copy.sql) and the publish into
-- gold. CREATE TABLE AS, not INSERT ... SELECT: PostgreSQL 15 plans parallel workers for the
-- former, never for an INSERT, and the rows stay in the server instead of travelling to Python
-- and back as a SELECT and a COPY (a first evaluate of 10^5 results: the re-sum ran 3.4 s as
-- this, 9.3 s as the single-process SELECT, plus ~1.3 s of fetch and COPY).
-- Grain: one (model_name, target_draw_date) of the run's staged results, columns in
-- pipeline/gold/tables.py TABLES['staging.calibration_sums'] order without staging_id; per ball
-- type the number of scores and the exact integer sums of their log loss and Brier terms, null
-- without scores of that type.
-- Scores are clipped to [1e-12, 1 - 1e-12] so a confident miss costs a large but finite log
-- loss. Determinism without sorting: each term is rounded to a multiple of 2^-52 (an int8;
-- terms are at most -ln(1e-12) < 28, so no overflow) and the integers are summed exactly, so a
-- sum is the same to the bit whatever the rows' physical order, the plan or parallel workers,
-- and a stored sum equals a recomputed one. The rounding is below 2^-53 per term, under a
-- float8's own rounding of a sum this size.
-- Cost: ~95 score rows are read per recomputed (model, draw): all of them on a game's first
-- evaluate, only the rescored or corrected ones afterwards (none on a rerun). How they are read
-- is %(scan)s (evaluate sets it from calibration_stale.sql's counts): false probes the scores'
-- key once per stale (model, draw); true reads the scores of the stale models (%(models)s,
-- bound from calibration_stale.sql) once with hash joins in parallel workers, cheaper from
-- about a quarter of them on (a first evaluate). The scan branch reads no CTE (a CTE scan
-- cannot run in a worker); the branch not chosen is a constant-false filter, pruned when the
-- statement is planned. A run's tickets of one (model, draw) share one model run (silver
-- replaces them together), so the smallest run id stands for them; if they ever did not, the
-- sums would be recomputed every run.
create temporary table calibration_sums_run on commit drop as
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
      and s.model_name = any(%(models)s::text[])
), terms as (
    select s.model_name, s.target_draw_date, s.ball_type = 'white' as white,
           greatest(least(s.score, 1 - 1e-12), 1e-12) as p,
           case when s.ball_type = 'white'
                then s.number in (s.white_1, s.white_2, s.white_3, s.white_4, s.white_5)
                else s.number = s.special_ball end as drawn
    from scored s
), sums as (
    select t.model_name, t.target_draw_date,
           nullif(count(*) filter (where t.white), 0) as white_numbers,
           sum(((case when t.drawn then -ln(t.p) else -ln(1 - t.p) end)
                * 4503599627370496.0)::int8) filter (where t.white) as white_log_loss_units,
           sum((power(t.p - case when t.drawn then 1 else 0 end, 2)
                * 4503599627370496.0)::int8) filter (where t.white) as white_brier_units,
           nullif(count(*) filter (where not t.white), 0) as special_numbers,
           sum(((case when t.drawn then -ln(t.p) else -ln(1 - t.p) end)
                * 4503599627370496.0)::int8) filter (where not t.white)
               as special_log_loss_units,
           sum((power(t.p - case when t.drawn then 1 else 0 end, 2)
                * 4503599627370496.0)::int8) filter (where not t.white) as special_brier_units
    from terms t
    group by t.model_name, t.target_draw_date
)
select k.model_name, %(game)s::text as game, k.target_draw_date, k.model_run_id,
       k.draw_record_hash, s.white_numbers, s.white_log_loss_units, s.white_brier_units,
       s.special_numbers, s.special_log_loss_units, s.special_brier_units
from stale k
left join sums s on s.model_name = k.model_name and s.target_draw_date = k.target_draw_date
