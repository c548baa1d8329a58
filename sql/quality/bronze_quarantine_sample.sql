-- A few quarantined rows of one batch, to show why a batch failed its quarantine-rate audit.
select line_no, reason, raw_record
from ops.quarantine
where batch_id = %(batch_id)s
order by line_no
limit 5
