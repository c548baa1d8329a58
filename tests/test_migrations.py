"""One migration sequence: an upgraded warehouse has exactly the schema of a fresh one."""

from __future__ import annotations

import pytest

from pipeline.errors import PipelineError
from pipeline.migrate import migrate
from tests.dbutil import create_database, drop_database_soon

pytestmark = pytest.mark.integration

SCHEMAS = ["ops", "bronze", "silver", "gold", "staging"]
# Everything a migration can shape, per schema, in a stable order.
CATALOG = {
    "columns": """select table_schema, table_name, ordinal_position, column_name, data_type,
                         is_nullable, coalesce(column_default, '')
                  from information_schema.columns where table_schema = any(%(s)s)
                  order by 1, 2, 3""",
    "constraints": """select n.nspname, c.conrelid::regclass::text, c.conname,
                             pg_get_constraintdef(c.oid)
                      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
                      where n.nspname = any(%(s)s) order by 1, 2, 3""",
    "indexes": """select schemaname, tablename, indexname, indexdef from pg_indexes
                  where schemaname = any(%(s)s) order by 1, 2, 3""",
    "views": """select schemaname, viewname, definition from pg_views
                where schemaname = any(%(s)s) order by 1, 2""",
    "functions": """select n.nspname, p.proname, pg_get_functiondef(p.oid)
                    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                    where n.nspname = any(%(s)s) order by 1, 2, 3""",
    "grants": """select table_schema, table_name, grantee, privilege_type
                 from information_schema.role_table_grants
                 where table_schema = any(%(s)s) order by 1, 2, 3, 4""",
    "persistence": """select n.nspname, c.relname, c.relpersistence, c.relkind
                      from pg_class c join pg_namespace n on n.oid = c.relnamespace
                      where n.nspname = any(%(s)s) order by 1, 2""",
}


def _schema(url: str) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {name: conn.execute(q, {"s": SCHEMAS}).fetchall() for name, q in CATALOG.items()}


@pytest.fixture
def two_databases():
    made = [create_database("drawpipe_migrations") for _ in range(2)]
    yield [url for _, url in made]
    for name, url in made:
        drop_database_soon(url, name)


def test_an_upgraded_warehouse_equals_a_fresh_one(two_databases):
    old, fresh = two_databases
    first = migrate(old, through="0400")  # the first release's versioned files, no views
    assert first["applied"] and all(n[:4] <= "0400" for n in first["applied"])
    upgrade = migrate(old)
    assert upgrade["applied"] and not set(first["applied"]) & set(upgrade["applied"])
    migrate(fresh)
    before, after = _schema(old), _schema(fresh)
    for part in CATALOG:
        assert before[part] == after[part], part
    assert migrate(old)["applied"] == [] and migrate(fresh)["applied"] == []


def test_a_migration_numbered_below_an_applied_one_is_refused(two_databases, tmp_path,
                                                              monkeypatch):
    import shutil

    from pipeline import paths

    url = two_databases[0]
    migrate(url)
    root = tmp_path / "sql"
    shutil.copytree(paths.sql_dir(), root)
    (root / "migrations" / "0004_late_addition.sql").write_text(
        "create table ops.late_addition (x int);\n")
    monkeypatch.setenv("PIPELINE_SQL_DIR", str(root))
    with pytest.raises(PipelineError, match="0004_late_addition.sql is numbered below"):
        migrate(url)
