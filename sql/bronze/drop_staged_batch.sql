-- A published batch's staged rows are no longer needed.
delete from staging.draws where batch_id = %(batch_id)s
