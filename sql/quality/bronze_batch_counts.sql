-- One row: what the batch read, staged and quarantined (the gate's denominators).
-- quarantined is the batch's own count: ops.quarantine keeps at most
-- PIPELINE_QUARANTINE_MAX_ROWS rows of it (quarantine_stored).
select b.rows_read,
       (select count(*) from staging.draws s where s.batch_id = b.batch_id) as staged,
       b.quarantined
from ops.ingest_batches b
where b.batch_id = %(batch_id)s
