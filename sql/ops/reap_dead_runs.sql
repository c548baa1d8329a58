-- Runs left 'running' by a process that died (kill -9, lost connection, machine gone) are
-- closed as failed, so ops.runs never shows a step running forever. A live run still holds
-- its lock (hold_run_lock.sql) and is left alone; a hash collision can only leave a dead run
-- 'running' a while longer, never close a live one. Returns the closed runs.
update ops.runs
set status = 'failed', finished_at = now(),
    message = 'abandoned: the step process ended before finishing'
where status = 'running'
  -- advisory locks are re-entrant: this session would get its own run's lock
  and run_id <> %(run_id)s
  and pg_try_advisory_xact_lock(7263, hashtext(run_id::text))
returning run_id, step, game, partition
