-- A staged batch's counts, once every row is staged or quarantined (before the gate reads them).
update ops.ingest_batches
set rows_read = %(rows_read)s, quarantined = %(quarantined)s,
    quarantine_stored = %(quarantine_stored)s
where batch_id = %(batch_id)s
