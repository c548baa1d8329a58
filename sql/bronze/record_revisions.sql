-- Keep the old values of every draw this batch changes (grain: one row per changed draw).
-- The same left join as classify_batch.sql and upsert_draws.sql: without statistics on the
-- fresh staging rows an inner join was planned as one index probe per staged row (0.8 s for
-- a 20,000-row rerun on a busy machine, against ~70 ms hashed).
with staged as materialized (
    select s.game, s.draw_date, s.white_1, s.white_2, s.white_3, s.white_4, s.white_5,
           s.special_ball, s.multiplier, s.record_hash, s.batch_id,
           d.white_1 as old_1, d.white_2 as old_2, d.white_3 as old_3, d.white_4 as old_4,
           d.white_5 as old_5, d.special_ball as old_special, d.multiplier as old_multiplier,
           d.record_hash as old_record_hash, d.batch_id as old_batch_id
    from staging.draws s
    left join bronze.draws d on d.game = s.game and d.draw_date = s.draw_date
        -- the game's own key range: stale statistics cannot turn this into a scan of all games
        and d.game = %(game)s
    where s.batch_id = %(batch_id)s
)
insert into bronze.draw_revisions (game, draw_date, old_white, old_special, old_multiplier,
    old_record_hash, old_batch_id, new_white, new_special, new_multiplier, new_record_hash,
    batch_id)
select game, draw_date, array[old_1, old_2, old_3, old_4, old_5], old_special, old_multiplier,
       old_record_hash, old_batch_id,
       array[white_1, white_2, white_3, white_4, white_5], special_ball, multiplier,
       record_hash, batch_id
from staged
where old_record_hash <> record_hash
