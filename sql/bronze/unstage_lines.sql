-- Drop staged rows whose draw date repeats in the batch (they are quarantined instead).
delete from staging.draws
where batch_id = %(batch_id)s and line_no = any(%(lines)s)
