"""Row counts and order-independent checksums of every table in the warehouse's schemas.

A table's checksum is md5 over the sorted md5s of its rows' text form, so it does not depend
on physical row order (a restore or a VACUUM FULL reorders rows). The session's text formats
are pinned first, so the same rows give the same text on any server and session.
"""

from __future__ import annotations

from psycopg import sql

SCHEMAS = ("bronze", "silver", "gold", "ops", "staging")
_PIN_FORMATS = ("set local timezone = 'UTC'; set local datestyle = 'ISO, YMD';"
                " set local intervalstyle = 'iso_8601'; set local extra_float_digits = 3;"
                " set local bytea_output = 'hex'")


def list_tables(conn, schemas=SCHEMAS) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.execute(
        "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where c.relkind in ('r', 'p') and n.nspname = any(%s) order by 1, 2",
        (list(schemas),)).fetchall()]


def table_checksum(conn, schema: str, table: str) -> dict:
    query = sql.SQL(
        "select count(*), coalesce(md5(string_agg(h, '' order by h)), md5(''))"
        " from (select md5(t::text) as h from {} t) rows").format(sql.Identifier(schema, table))
    rows, digest = conn.execute(query).fetchone()
    return {"rows": rows, "checksum": digest}


def manifest(conn, schemas=SCHEMAS) -> dict[str, dict]:
    """{"schema.table": {"rows": n, "checksum": md5}} for every table, in one transaction.

    The caller's transaction decides the snapshot (backup exports it to pg_dump).
    """
    conn.execute(_PIN_FORMATS)
    return {f"{s}.{t}": table_checksum(conn, s, t) for s, t in list_tables(conn, schemas)}


def compare(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """Every difference between two manifests, one readable line each (empty when equal)."""
    problems = []
    for name in sorted(set(expected) | set(actual)):
        e, a = expected.get(name), actual.get(name)
        if a is None:
            problems.append(f"{name}: missing after restore")
        elif e is None:
            problems.append(f"{name}: not in the manifest")
        elif e != a:
            problems.append(f"{name}: expected {e['rows']} rows md5 {e['checksum']}, "
                            f"found {a['rows']} rows md5 {a['checksum']}")
    return problems
