-- Close a batch with its final counts and status.
update ops.ingest_batches
set status = %(status)s, inserted = %(inserted)s, unchanged = %(unchanged)s,
    revised = %(revised)s, quarantined = %(quarantined)s, message = %(message)s,
    finished_at = now()
where batch_id = %(batch_id)s
