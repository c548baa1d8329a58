-- ops.runs: a step ends (success, failed or skipped) with what it wrote.
update ops.runs
set status = %(status)s, rows_written = %(rows_written)s, message = %(message)s,
    finished_at = now()
where run_id = %(run_id)s
