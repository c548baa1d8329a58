-- purpose: the materialized views in gold that `publish` refreshes (none is an error-free answer).
select schemaname, matviewname from pg_matviews where schemaname = 'gold' order by matviewname;
