-- Locks other sessions hold in this database that can block a step: strong locks on warehouse
-- tables (Share and above: they block writes) and single-key advisory locks. Read after a step
-- timed out waiting for a lock, to name it in the step's one error line.
select l.locktype,
       case when l.locktype = 'relation' then format('%%I.%%I', n.nspname, c.relname) end
           as relation,
       case when l.locktype = 'advisory' then (l.classid::bigint << 32) | l.objid::bigint end
           as advisory_key,
       l.mode, l.pid, a.usename
from pg_locks l
left join pg_class c on l.locktype = 'relation' and c.oid = l.relation
left join pg_namespace n on n.oid = c.relnamespace
left join pg_stat_activity a on a.pid = l.pid
where l.granted
  and l.pid <> pg_backend_pid()
  and l.database = (select oid from pg_database where datname = current_database())
  and ((l.locktype = 'relation' and n.nspname = any(%(schemas)s)
        and l.mode in ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock',
                       'AccessExclusiveLock'))
       or (l.locktype = 'advisory' and l.objsubid = 1))
order by l.locktype desc, 2, l.pid
