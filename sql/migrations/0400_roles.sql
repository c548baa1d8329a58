-- Least-privilege roles, one per layer writer plus gold_reader for analysts. All NOLOGIN and
-- without passwords: deployments grant them to login roles (or SET ROLE to them).
-- Roles are cluster-wide and several databases share a cluster, so creation is idempotent and
-- tolerates another database's migration creating the same role at the same moment.
-- Their privileges are granted per database in sql/repeatable/900_grants.sql.
do $$
declare
    r text;
begin
    foreach r in array array['drawpipe_bronze_writer', 'drawpipe_silver_writer',
                             'drawpipe_gold_writer', 'gold_reader'] loop
        if not exists (select 1 from pg_roles where rolname = r) then
            begin
                execute format('create role %I nologin', r);
            exception when duplicate_object or unique_violation then
                null;  -- created concurrently by another database's migration
            end;
        end if;
    end loop;
end
$$;
