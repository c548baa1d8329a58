-- The silver gates aggregate a game's whole history cell by cell in Postgres: let them sort and
-- hash in memory, and skip JIT compilation (it cost more than these queries run; this
-- transaction only).
set local work_mem = '128MB';
set local jit = off
