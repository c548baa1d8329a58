-- gold_reader: a read-only role for analysts, without login and without password. Roles are
-- cluster-wide (several databases may share the server and migrate at once), so create it only
-- if missing and tolerate a concurrent creator; privileges are per database, granted here.
-- Grant it to an analyst login with `grant gold_reader to <login>` (docs/gold.md).
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'gold_reader') then
        create role gold_reader nologin;
    end if;
exception when duplicate_object or unique_violation then
    null;  -- another database's migration created it first
end
$$;

grant usage on schema gold to gold_reader;
grant select on all tables in schema gold to gold_reader;
-- Views and tables created later in gold by the migrating role are readable too.
alter default privileges in schema gold grant select on tables to gold_reader;
