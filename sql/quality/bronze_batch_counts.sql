-- One row: what the batch read, staged and quarantined (the gate's denominators).
select b.rows_read,
       (select count(*) from staging.draws s where s.batch_id = b.batch_id) as staged,
       (select count(*) from ops.quarantine q where q.batch_id = b.batch_id) as quarantined
from ops.ingest_batches b
where b.batch_id = %(batch_id)s
