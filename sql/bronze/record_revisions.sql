-- Keep the old values of every draw this batch changes (grain: one row per changed draw).
insert into bronze.draw_revisions (game, draw_date, old_white, old_special, old_multiplier,
    old_record_hash, old_batch_id, new_white, new_special, new_multiplier, new_record_hash,
    batch_id)
select d.game, d.draw_date,
       array[d.white_1, d.white_2, d.white_3, d.white_4, d.white_5], d.special_ball,
       d.multiplier, d.record_hash, d.batch_id,
       array[s.white_1, s.white_2, s.white_3, s.white_4, s.white_5], s.special_ball,
       s.multiplier, s.record_hash, s.batch_id
from staging.draws s
join bronze.draws d on d.game = s.game and d.draw_date = s.draw_date and d.game = %(game)s
where s.batch_id = %(batch_id)s
  and d.record_hash <> s.record_hash
