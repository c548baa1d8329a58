-- Rejected rows of a batch into ops.quarantine (pipeline/bronze/ingest.py), at most
-- PIPELINE_QUARANTINE_MAX_ROWS of them, as parallel arrays: one statement, sent with the
-- batch's counts in one round trip (a COPY of its own took three).
insert into ops.quarantine (batch_id, line_no, game, raw_record, reason)
select %(batch_id)s, q.line_no, %(game)s, q.raw_record, q.reason
from unnest(%(lines)s::integer[], %(raws)s::text[], %(reasons)s::text[])
    as q(line_no, raw_record, reason)
