-- Drop the staged rows of draw dates that repeat in the batch (they are quarantined instead):
-- a date whose copies all carry the same record keeps its first line; a date whose copies
-- disagree keeps none (validate.resolve_duplicates, the rule every path applies).
-- Done here rather than with a list of lines: a hostile batch can repeat a million rows.
with repeated as (
    select draw_date, min(line_no) as first_line,
           min(record_hash) <> max(record_hash) as conflicting
    from staging.draws
    where batch_id = %(batch_id)s
    group by draw_date
    having count(*) > 1
)
delete from staging.draws s
using repeated r
where s.batch_id = %(batch_id)s and s.draw_date = r.draw_date
  and (r.conflicting or s.line_no <> r.first_line)
