-- A session-level lock held by the process running a step, for as long as its connection
-- lives: a run still 'running' whose lock is free belongs to a process that died. Taken before
-- the run's row exists, so no other process can ever see that row 'running' and unlocked.
select pg_advisory_lock(7263, hashtext(%(run_id)s::text))
