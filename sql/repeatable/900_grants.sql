-- Privileges of the roles from migrations/0400_roles.sql in this database (re-applied when
-- this file changes). The matrix, tested in tests/reliability/test_privileges.py:
--   role                     bronze   silver   gold     ops      staging (own layer's tables)
--   drawpipe_bronze_writer   SIUD     -        -        SIU      SIUD
--   drawpipe_silver_writer   S        SIUD     -        SIU      SIUD
--   drawpipe_gold_writer     S        S        SIUD     SIU      SIUD
--   gold_reader              -        -        S        -        -
-- (S select, I insert, U update, D delete.) No role may CREATE in any schema, nor write
-- ops.schema_migrations: migrations run as the owner. staging.X belongs to the layer whose
-- schema has a table X. Tables created later by the owner get their layer's grants through
-- default privileges; a new staging table gets its writer's grant when this file re-applies.
do $$
declare
    layer text;
    writer text;
    t record;
begin
    -- start from nothing, so a privilege removed here is removed from the database too
    foreach writer in array array['drawpipe_bronze_writer', 'drawpipe_silver_writer',
                                  'drawpipe_gold_writer', 'gold_reader'] loop
        foreach layer in array array['bronze', 'silver', 'gold', 'ops', 'staging'] loop
            execute format('revoke all on all tables in schema %I from %I', layer, writer);
            execute format('revoke all on all sequences in schema %I from %I', layer, writer);
            execute format('revoke all on schema %I from %I', layer, writer);
            execute format('alter default privileges in schema %I revoke all on tables from %I',
                           layer, writer);
        end loop;
    end loop;

    foreach layer in array array['bronze', 'silver', 'gold'] loop
        writer := format('drawpipe_%s_writer', layer);
        execute format('grant usage on schema %I, ops, staging to %I', layer, writer);
        execute format('grant select, insert, update, delete on all tables in schema %I to %I',
                       layer, writer);
        execute format('alter default privileges in schema %I grant select, insert, update,'
                       ' delete on tables to %I', layer, writer);
        execute format('grant usage, select on all sequences in schema %I, ops to %I',
                       layer, writer);
        execute format('grant select, insert, update on all tables in schema ops to %I', writer);
        execute format('alter default privileges in schema ops grant select, insert, update'
                       ' on tables to %I', writer);
        execute format('revoke all on ops.schema_migrations from %I', writer);
        for t in select c.relname from pg_class c
                 join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'staging' and c.relkind in ('r', 'p')
                   and exists (select 1 from pg_tables p
                               where p.schemaname = layer and p.tablename = c.relname) loop
            execute format('grant select, insert, update, delete on staging.%I to %I',
                           t.relname, writer);
        end loop;
    end loop;

    -- writers read the layers they build on
    grant usage on schema bronze to drawpipe_silver_writer, drawpipe_gold_writer;
    grant select on all tables in schema bronze to drawpipe_silver_writer, drawpipe_gold_writer;
    alter default privileges in schema bronze grant select on tables
        to drawpipe_silver_writer, drawpipe_gold_writer;
    grant usage on schema silver to drawpipe_gold_writer;
    grant select on all tables in schema silver to drawpipe_gold_writer;
    alter default privileges in schema silver grant select on tables to drawpipe_gold_writer;

    -- analysts read gold, nothing else
    grant usage on schema gold to gold_reader;
    grant select on all tables in schema gold to gold_reader;
    alter default privileges in schema gold grant select on tables to gold_reader;
end
$$;
