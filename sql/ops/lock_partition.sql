-- Lock one partition (layer, game) until the transaction ends: the first writer creates its
-- row, every writer then holds it (ON CONFLICT DO UPDATE locks the row, waiting for a holder
-- no longer than lock_timeout). Readers cannot take it: see migrations/0520_partition_locks.sql.
insert into ops.partition_locks (layer, game) values (%(layer)s, %(game)s)
on conflict (layer, game) do update set layer = excluded.layer
