"""Least privilege: every role x schema x action, tried for real with SET ROLE in a transaction.

A cell is checked on every table of the schema (so a table added later without grants fails
the test). Each attempt runs in a savepoint and the whole transaction is rolled back.
"""

import psycopg
import pytest
from psycopg import errors, sql

pytestmark = pytest.mark.integration

ROLES = ("drawpipe_bronze_writer", "drawpipe_silver_writer", "drawpipe_gold_writer",
         "gold_reader")
SCHEMAS = ("bronze", "silver", "gold", "ops", "staging")
ACTIONS = ("select", "insert", "update", "delete", "create")

# The expected matrix, written out. "staging" means: on the staging tables mirroring the
# role's own layer (staging.draws for bronze, ...); every other staging table gets nothing.
EXPECTED = {
    "drawpipe_bronze_writer": {
        "bronze": {"select", "insert", "update", "delete"},
        "silver": set(),
        "gold": set(),
        "ops": {"select", "insert", "update"},
        "staging": {"select", "insert", "update", "delete"},
    },
    "drawpipe_silver_writer": {
        "bronze": {"select"},
        "silver": {"select", "insert", "update", "delete"},
        "gold": set(),
        "ops": {"select", "insert", "update"},
        "staging": {"select", "insert", "update", "delete"},
    },
    "drawpipe_gold_writer": {
        "bronze": {"select"},
        "silver": {"select"},
        "gold": {"select", "insert", "update", "delete"},
        "ops": {"select", "insert", "update"},
        "staging": {"select", "insert", "update", "delete"},
    },
    "gold_reader": {
        "bronze": set(),
        "silver": set(),
        "gold": {"select"},
        "ops": set(),
        "staging": set(),
    },
}
OWN_LAYER = {"drawpipe_bronze_writer": "bronze", "drawpipe_silver_writer": "silver",
             "drawpipe_gold_writer": "gold", "gold_reader": None}
OWNER_ONLY = {("ops", "schema_migrations")}  # nobody but the migration owner touches it


def _tables(conn, schema):
    return [r[0] for r in conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = %s and c.relkind in ('r', 'p', 'v') order by 1", (schema,))]


def _statement(conn, action, schema, table):
    t = sql.Identifier(schema, table)
    if action == "update":
        return sql.SQL("update {} set {} = null where false").format(
            t, sql.Identifier(_first_column(conn, schema, table)))
    return {
        "select": sql.SQL("select 1 from {} limit 0").format(t),
        # default values: without the privilege this is 42501; with it, a NOT NULL violation
        # or success (rolled back) - either way the privilege check passed.
        "insert": sql.SQL("insert into {} default values").format(t),
        "delete": sql.SQL("delete from {} where false").format(t),
        "create": sql.SQL("create table {} (i int)").format(
            sql.Identifier(schema, "privilege_probe")),
    }[action]


def _is_view(conn, schema, table) -> bool:
    return conn.execute("select c.relkind = 'v' from pg_class c join pg_namespace n"
                        " on n.oid = c.relnamespace where n.nspname = %s and c.relname = %s",
                        (schema, table)).fetchone()[0]


def _view_privilege(conn, role, schema, table, action) -> bool:
    """Writing a view that is not auto-updatable fails before the privilege check, so for
    views the catalog's answer is the truth (what a later updatable view would allow)."""
    return conn.execute("select has_table_privilege(%s, format('%%I.%%I', %s::text, %s::text),"
                        " %s)", (role, schema, table, action.upper())).fetchone()[0]


def _allowed(conn, role, stmt) -> bool:
    try:
        with conn.transaction():  # a savepoint
            conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
            conn.execute(stmt)
            raise _Rollback
    except _Rollback:
        return True
    except errors.InsufficientPrivilege:
        return False
    except (errors.NotNullViolation, errors.CheckViolation, errors.ForeignKeyViolation):
        return True  # got past the privilege check


class _Rollback(Exception):
    pass


def _first_column(conn, schema, table):
    return conn.execute("select column_name from information_schema.columns where"
                        " table_schema = %s and table_name = %s order by ordinal_position"
                        " limit 1", (schema, table)).fetchone()[0]


def _expected_on(role, schema, table, action, layer_tables) -> bool:
    if (schema, table) in OWNER_ONLY or action == "create":
        return action in EXPECTED[role][schema] and (schema, table) not in OWNER_ONLY
    if schema == "staging" and table not in layer_tables.get(OWN_LAYER[role], ()):
        return False
    return action in EXPECTED[role][schema]


def test_roles_are_nologin_without_password(database_url):
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("select rolname, rolcanlogin, rolpassword is null, rolsuper"
                            " from pg_authid where rolname = any(%s)", (list(ROLES),)).fetchall()
    assert sorted(rows) == sorted((r, False, True, False) for r in ROLES)


def test_the_whole_privilege_matrix(database_url):
    seen, wrong = 0, []
    with psycopg.connect(database_url) as conn:
        layer_tables = {s: set(_tables(conn, s)) for s in ("bronze", "silver", "gold")}
        for schema in SCHEMAS:
            tables = _tables(conn, schema)
            assert tables or schema == "gold", f"schema {schema} has no tables to test"
            for role in ROLES:
                for action in ACTIONS:
                    if action == "create":
                        stmt = _statement(conn, "create", schema, "-")
                        got, want = _allowed(conn, role, stmt), "create" in EXPECTED[role][schema]
                        seen += 1
                        if got != want:
                            wrong.append((role, schema, "create", got))
                        continue
                    for table in tables:
                        if action != "select" and _is_view(conn, schema, table):
                            got = _view_privilege(conn, role, schema, table, action)
                        else:
                            got = _allowed(conn, role, _statement(conn, action, schema, table))
                        want = _expected_on(role, schema, table, action, layer_tables)
                        seen += 1
                        if got != want:
                            wrong.append((role, f"{schema}.{table}", action, got))
        conn.rollback()
    assert not wrong, f"privileges differ from the matrix (role, object, action, allowed): {wrong}"
    assert seen >= len(ROLES) * len(SCHEMAS) * len(ACTIONS)
