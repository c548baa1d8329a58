-- ops.partition_locks: the write lock of one partition (layer, game), taken as a row lock by
-- every publish until its transaction ends (sql/ops/lock_partition.sql). It replaces an
-- advisory key, which any login - gold_reader included - could take and so stall every
-- writer of the partition. A row lock needs UPDATE on this table: writers have it (default
-- privileges of schema ops, sql/repeatable/900_grants.sql), readers have no access to ops.
create table if not exists ops.partition_locks (
    layer text not null check (layer in ('bronze', 'silver', 'gold')),
    game  text not null,
    primary key (layer, game)
);
