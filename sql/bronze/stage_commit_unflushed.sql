-- The staging transaction commits without waiting for its WAL to reach disk. What it writes
-- (the batch row 'staging', the quarantine; staging.draws is unlogged) only matters once the
-- batch is published, and the publish's own synchronous commit flushes the WAL up to and
-- including this transaction's records. A crash before that loses a batch that was never
-- published, which a rerun redoes; nothing published depends on it.
set local synchronous_commit = off
