-- Publish one staged batch into bronze (pipeline/bronze/ingest.py through pipeline/wap.py), in
-- one transaction holding the game's bronze lock. Grain: bronze.draws one draw per
-- (game, draw_date), key the same; bronze.draw_revisions one row per changed draw. New draws are
-- inserted, changed ones replaced (their old values kept as a revision), identical ones left as
-- they are; the batch is closed with its counts. Steps run top to bottom, each followed by the
-- fault point bronze.publish.<step> (the kill test counts on these four: locked, the two
-- below, committed).

-- name: published
-- The statement below holds the batch's staged rows twice in memory (the classified rows and
-- the insert's input): 4 MB spilled them to temporary files for a 20,000-row batch.
set local work_mem = '64MB';
-- One statement, one join of the batch's staged rows with the game's draws: it classifies
-- each staged row (new, identical, changed), closes the batch with the counts, keeps the old
-- values of every changed draw, updates the changed draws, inserts the new ones and drops the
-- staged rows (their last use). Every write of bronze reads `batch`, the batch row this
-- statement closes ('staging' -> 'published'): without it nothing is written, which is what
-- keeps bronze.draws.batch_id pointing at a batch now that no per-row foreign key checks it
-- (sql/migrations/0530_bronze_batch_guard.sql). All parts see the snapshot taken before any
-- of them writes. A plain INSERT, not ON CONFLICT: its rows are proven new under the game's
-- partition lock (every writer of bronze.draws holds it); a writer ignoring the lock would
-- make the insert fail on the key, never overwrite silently. Identical draws keep their
-- batch_id (the batch that first loaded them).
with staged as materialized (
    select s.game, s.draw_date, s.white_1, s.white_2, s.white_3, s.white_4, s.white_5,
           s.special_ball, s.multiplier, s.white_order_source, s.era, s.source, s.record_hash,
           d.record_hash as published_hash,
           -- the old values of a changed draw only (null costs no width in the other rows)
           case when d.record_hash <> s.record_hash
                then array[d.white_1, d.white_2, d.white_3, d.white_4, d.white_5] end
               as old_white,
           case when d.record_hash <> s.record_hash then d.special_ball end as old_special,
           case when d.record_hash <> s.record_hash then d.multiplier end as old_multiplier,
           case when d.record_hash <> s.record_hash then d.batch_id end as old_batch_id
    from staging.draws s
    left join bronze.draws d on d.game = s.game and d.draw_date = s.draw_date
        -- the game's own key range: stale statistics cannot turn this into a scan of all games
        and d.game = %(game)s
    where s.batch_id = %(batch_id)s
),
unstaged as (
    delete from staging.draws where batch_id = %(batch_id)s
),
counts as (
    select count(*) filter (where published_hash is null)           as inserted,
           count(*) filter (where published_hash = record_hash)     as unchanged,
           count(*) filter (where published_hash <> record_hash)    as revised
    from staged
),
batch as (
    update ops.ingest_batches b
    set status = 'published', inserted = c.inserted, unchanged = c.unchanged,
        revised = c.revised, quarantined = %(quarantined)s, message = null, finished_at = now()
    from counts c
    where b.batch_id = %(batch_id)s and b.game = %(game)s and b.status = 'staging'
    returning b.batch_id, c.inserted, c.unchanged, c.revised
),
revisions as (
    insert into bronze.draw_revisions (game, draw_date, old_white, old_special,
        old_multiplier, old_record_hash, old_batch_id, new_white, new_special, new_multiplier,
        new_record_hash, batch_id)
    select s.game, s.draw_date, s.old_white, s.old_special, s.old_multiplier,
           s.published_hash, s.old_batch_id,
           array[s.white_1, s.white_2, s.white_3, s.white_4, s.white_5], s.special_ball,
           s.multiplier, s.record_hash, b.batch_id
    from staged s, batch b
    where s.published_hash <> s.record_hash
),
changed as (
    update bronze.draws d
    set white_1 = s.white_1, white_2 = s.white_2, white_3 = s.white_3, white_4 = s.white_4,
        white_5 = s.white_5, special_ball = s.special_ball, multiplier = s.multiplier,
        white_order_source = s.white_order_source, era = s.era, source = s.source,
        batch_id = b.batch_id, record_hash = s.record_hash, updated_at = now()
    from staged s, batch b
    where s.published_hash <> s.record_hash
      and d.game = %(game)s and d.game = s.game and d.draw_date = s.draw_date
),
inserted as (
    insert into bronze.draws (game, draw_date, white_1, white_2, white_3, white_4, white_5,
        special_ball, multiplier, white_order_source, era, source, batch_id, record_hash)
    select s.game, s.draw_date, s.white_1, s.white_2, s.white_3, s.white_4, s.white_5,
           s.special_ball, s.multiplier, s.white_order_source, s.era, s.source, b.batch_id,
           s.record_hash
    from staged s, batch b
    where s.published_hash is null
)
select inserted, unchanged, revised from batch;

-- name: before_commit
-- Python (bronze/ingest.py): the batch was closed by the statement above (one row), else the
-- publish is rolled back.
