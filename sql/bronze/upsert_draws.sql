-- Publish a staged batch into bronze.draws (key: game, draw_date). Identical draws are left
-- as they are (their batch_id keeps pointing at the batch that first loaded them).
-- One join of the batch with the game's draws classifies every staged row; the draws it
-- changes are updated and the draws bronze lacks are inserted, in one statement (both writes
-- see the snapshot taken before either). A plain INSERT, not ON CONFLICT: its rows are proven
-- new under the game's partition lock (every writer of bronze.draws holds it), and
-- speculative insertion cost ~1.7x a plain insert a row. A writer ignoring the lock would make
-- the insert fail on the key, never overwrite silently.
with staged as materialized (
    select s.*, d.record_hash as published_hash
    from staging.draws s
    left join bronze.draws d on d.game = s.game and d.draw_date = s.draw_date
        -- the game's own key range: stale statistics cannot turn this into a scan of all games
        and d.game = %(game)s
    where s.batch_id = %(batch_id)s
),
changed as (
    update bronze.draws d
    set white_1 = s.white_1, white_2 = s.white_2, white_3 = s.white_3, white_4 = s.white_4,
        white_5 = s.white_5, special_ball = s.special_ball, multiplier = s.multiplier,
        white_order_source = s.white_order_source, era = s.era, source = s.source,
        batch_id = s.batch_id, record_hash = s.record_hash, updated_at = now()
    from staged s
    where s.published_hash <> s.record_hash
      and d.game = %(game)s and d.game = s.game and d.draw_date = s.draw_date
    returning 1
)
insert into bronze.draws (game, draw_date, white_1, white_2, white_3, white_4, white_5,
    special_ball, multiplier, white_order_source, era, source, batch_id, record_hash)
select game, draw_date, white_1, white_2, white_3, white_4, white_5,
       special_ball, multiplier, white_order_source, era, source, batch_id, record_hash
from staged
where published_hash is null
