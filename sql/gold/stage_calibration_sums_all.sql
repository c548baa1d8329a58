-- stage_calibration_sums.sql for a run where many staged (model, draw)s need their sums (a
-- game's first evaluate, a full rescore): the same rows, computed by reading the game's scores
-- once with hash joins and one hash aggregate (as calibration read them before its sums were
-- kept), then keeping the stale (model, draw)s' groups, instead of probing the scores' index
-- once per (model, draw) (pipeline/gold/evaluate.py picks the file by the stale count). Grain,
-- units and exactness: stage_calibration_sums.sql; the same integers whichever file ran.
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
                    then s.number in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5)
                    else s.number = d.special_ball end as drawn
        from silver.prediction_scores s
        join bronze.draws d on d.draw_date = s.target_draw_date
        where s.game = %(game)s and d.game = %(game)s
          and s.model_name = any(array(select distinct k.model_name from stale k))
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
