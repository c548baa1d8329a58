-- Batches of this game left 'staging' by a process that died (killed, lost its connection)
-- are closed as failed, so clear_failed_staging.sql drops their staged rows. A batch whose
-- owner is alive still holds its lock (hold_batch_lock.sql) and is left alone.
update ops.ingest_batches
set status = 'failed', finished_at = now(),
    message = 'abandoned: the ingest process ended before publishing'
where game = %(game)s
  and status = 'staging'
  and pg_try_advisory_xact_lock(7262, hashtext(batch_id::text))
