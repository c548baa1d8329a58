-- Staged rows of earlier failed or dry-run batches of this game are dropped when the game is
-- ingested again (they were kept for inspection until then). In-flight batches are untouched.
delete from staging.draws s
using ops.ingest_batches b
where s.batch_id = b.batch_id
  and b.game = %(game)s
  and b.status in ('failed', 'dry_run')
