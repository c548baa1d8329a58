-- ops.ingest_batches.quarantine_stored: how many of a batch's quarantined rows ops.quarantine
-- keeps. `quarantined` counts every rejected row (rows_read = inserted + unchanged + revised +
-- quarantined still holds); ops.quarantine keeps at most PIPELINE_QUARANTINE_MAX_ROWS of them
-- (default 10,000), so one garbage file can no longer write a million quarantine rows.
-- Batches before this migration kept every quarantined row.
alter table ops.ingest_batches add column if not exists quarantine_stored integer;
update ops.ingest_batches set quarantine_stored = quarantined where quarantine_stored is null;
alter table ops.ingest_batches
    alter column quarantine_stored set default 0,
    alter column quarantine_stored set not null,
    add constraint quarantine_stored_within check (quarantine_stored between 0 and quarantined);
