-- Open a batch (status 'staging') before anything of it is written.
insert into ops.ingest_batches (batch_id, game, source, source_sha256, rows_read)
values (%(batch_id)s, %(game)s, %(source)s, %(sha256)s, %(rows_read)s)
