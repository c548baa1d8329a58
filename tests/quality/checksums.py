"""A checksum per published table (bronze, silver, gold): proof a failed gate wrote nothing."""

from __future__ import annotations

from psycopg import sql

PUBLISHED_SCHEMAS = ("bronze", "silver", "gold")


def published_checksums(conn) -> dict[str, str]:
    """{schema.table: md5 of every row's text, in row-text order} for every published table."""
    tables = conn.execute(
        "select schemaname, tablename from pg_tables where schemaname = any(%s)"
        " order by 1, 2", (list(PUBLISHED_SCHEMAS),)).fetchall()
    out = {}
    for schema, table in tables:
        query = sql.SQL("select count(*), md5(coalesce(string_agg(t::text, E'\\n' order by"
                        " t::text), '')) from {} t").format(sql.Identifier(schema, table))
        count, digest = conn.execute(query).fetchone()
        out[f"{schema}.{table}"] = f"{count}:{digest}"
    return out
