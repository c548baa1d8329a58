-- The silver gates aggregate a game's whole history cell by cell in Postgres: let them sort and
-- hash in memory (this transaction only).
set local work_mem = '64MB'
