-- bronze.draws.batch_id -> ops.ingest_batches without a per-row foreign key.
--
-- The foreign key cost one RI trigger call per inserted or updated draw: about half of the
-- publish's insert into bronze.draws. Its guarantee is kept by two parts:
-- - writing: draws are written only by the bronze publish (sql/bronze/publish_batch.sql), one
--   statement whose writes read the row it closes in ops.ingest_batches (that batch, status
--   'staging' -> 'published'); every draw it writes carries that batch's id, so no batch row,
--   no write. The row lock of that update holds off a concurrent delete of the batch until
--   the publish commits, and the delete then meets the guard below.
-- - removing: a delete, truncate or batch_id change of ops.ingest_batches that would leave a
--   draw pointing at no batch fails (foreign_key_violation), checked once per statement.
alter table bronze.draws drop constraint if exists draws_batch_id_fkey;

create or replace function ops.ingest_batches_keep_referenced() returns trigger
language plpgsql as $$
begin
    if tg_op = 'TRUNCATE' then
        -- An AFTER trigger: a truncate listing bronze.draws too has emptied it by now.
        if exists (select 1 from bronze.draws) then
            raise exception using errcode = 'foreign_key_violation',
                message = 'ops.ingest_batches truncated while bronze.draws refers to it';
        end if;
    elsif tg_op = 'DELETE' then
        if exists (select 1 from bronze.draws d join removed r on r.batch_id = d.batch_id) then
            raise exception using errcode = 'foreign_key_violation',
                message = 'a batch that bronze.draws refers to cannot be deleted';
        end if;
    elsif exists (select 1 from bronze.draws d where d.batch_id = old.batch_id) then
        raise exception using errcode = 'foreign_key_violation',
            message = 'a batch that bronze.draws refers to cannot change its batch_id';
    end if;
    return null;
end $$;

drop trigger if exists keep_referenced_on_delete on ops.ingest_batches;
create trigger keep_referenced_on_delete after delete on ops.ingest_batches
    referencing old table as removed
    for each statement execute function ops.ingest_batches_keep_referenced();
drop trigger if exists keep_referenced_on_truncate on ops.ingest_batches;
create trigger keep_referenced_on_truncate after truncate on ops.ingest_batches
    for each statement execute function ops.ingest_batches_keep_referenced();
-- Only statements that change a batch_id (none of drawpipe's): the publish's own update of
-- its batch never pays a scan of bronze.draws.
drop trigger if exists keep_referenced_on_update on ops.ingest_batches;
create trigger keep_referenced_on_update after update of batch_id on ops.ingest_batches
    for each row when (old.batch_id is distinct from new.batch_id)
    execute function ops.ingest_batches_keep_referenced();

-- Staged rows live from one ingest's COPY to its publish (or until the game's next ingest,
-- after a failed gate): skip the WAL for them, as silver's staging (0103). After a server
-- crash the table comes back empty, which only loses rows kept for inspection.
alter table staging.draws set unlogged;
