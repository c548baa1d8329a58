-- A session-level lock held by the ingest that owns a batch, for as long as its connection
-- lives: a batch still 'staging' whose lock is free belongs to a process that died.
select pg_advisory_lock(7262, hashtext(%(batch_id)s::text))
