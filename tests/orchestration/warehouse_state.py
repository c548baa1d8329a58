"""Checksums of what users read (bronze, silver, gold), to compare runs and prove no change."""

from __future__ import annotations

import psycopg
from psycopg import sql

LAYERS = ("bronze", "silver", "gold")
# Values that differ between two correct runs by construction: generated ids and timestamps
# (uuid and timestamptz columns), the code version and measured durations inside jsonb
# (keys ending in "seconds", e.g. a model's fit_seconds). Everything else is content.
VOLATILE_TYPES = ("uuid", "timestamp with time zone")
VOLATILE_NAMES = ("code_version", "history_id", "revision_id")


def _tables(conn) -> dict[str, list[tuple[str, str]]]:
    rows = conn.execute(
        "select c.table_schema || '.' || c.table_name, c.column_name, c.data_type"
        " from information_schema.columns c join information_schema.tables t"
        " using (table_schema, table_name)"
        " where t.table_type = 'BASE TABLE' and c.table_schema = any(%s)"
        " order by 1, c.ordinal_position", (list(LAYERS),)).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        tables.setdefault(table, []).append((column, dtype))
    return tables


def _timing_free(column: str) -> sql.Composable:
    return sql.SQL("regexp_replace({}::text, {}, '', 'g')").format(
        sql.Identifier(column), sql.Literal(r'"[a-z_]*seconds": [-0-9.e]+'))


def snapshot(url: str, *, content_only: bool) -> dict[str, tuple[int, str]]:
    """table -> (rows, md5 of all rows sorted); content_only drops ids and timestamps."""
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table, columns in _tables(conn).items():
            keep = [(c, t) for c, t in columns
                    if not content_only or (t not in VOLATILE_TYPES and c not in VOLATILE_NAMES)]
            row = sql.SQL("row({})::text").format(sql.SQL(", ").join(
                _timing_free(c) if content_only and t == "jsonb" else sql.Identifier(c)
                for c, t in keep))
            query = sql.SQL("select count(*), coalesce(md5(string_agg(r, E'\\n' order by r)), '')"
                            " from (select {} as r from {}) x").format(
                row, sql.Identifier(*table.split(".")))
            count, digest = conn.execute(query).fetchone()
            out[table] = (count, digest)
    return out


def changed(before: dict, after: dict) -> dict:
    return {t: (before.get(t), after.get(t)) for t in set(before) | set(after)
            if before.get(t) != after.get(t)}
