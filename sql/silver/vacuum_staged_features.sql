-- After a features publish (autocommit: VACUUM runs outside a transaction): reclaim the staged
-- rows its last step deleted. Left to autovacuum, a 10^5-draw build accumulates 10^6 dead
-- staged rows that every later write's unstage scan and ANALYZE read through (measured: the
-- unstage 0.04 s on a vacuumed table, 17 s through 1.75M dead rows). skip_locked: a
-- concurrent run's ANALYZE or VACUUM of the table is not waited for (it will reclaim them).
vacuum (skip_locked) staging.number_features, staging.feature_draws
