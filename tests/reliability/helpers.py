"""Shared measures for the reliability suite: content checksums and whole-warehouse snapshots.

Each fault test compares the warehouse before and after with these, so adding a step to the
suite means naming its published tables and content columns in CONTENT below.
"""

from __future__ import annotations

from psycopg import sql

from pipeline.ops.checksums import SCHEMAS, list_tables

# Business content of each published table: the columns that must not depend on which run
# wrote them (ids of batches and timestamps do).
CONTENT = {
    "bronze.draws": ("game", "draw_date", "white_1", "white_2", "white_3", "white_4", "white_5",
                     "special_ball", "multiplier", "white_order_source", "era", "record_hash"),
    "bronze.draw_revisions": ("game", "draw_date", "old_white", "old_special", "old_multiplier",
                              "old_record_hash", "new_white", "new_special", "new_multiplier",
                              "new_record_hash"),
}


def content_checksum(conn, table: str) -> tuple[int, str]:
    """(rows, md5 of the sorted rows' content columns) of one published table."""
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in CONTENT[table])
    query = sql.SQL("select count(*), coalesce(md5(string_agg(h, '' order by h)), '')"
                    " from (select md5(row({})::text) as h from {}) r").format(
        cols, sql.Identifier(*table.split(".")))
    return tuple(conn.execute(query).fetchone())


def bronze_content(conn) -> dict:
    return {t: content_checksum(conn, t) for t in CONTENT if t.startswith("bronze.")}


def warehouse_shape(conn) -> list[tuple]:
    """Every column of every warehouse table, with its type: the schema as users see it."""
    return [tuple(r) for r in conn.execute(
        "select table_schema, table_name, column_name, data_type, is_nullable"
        " from information_schema.columns where table_schema = any(%s) order by 1, 2, 3",
        (list(SCHEMAS),)).fetchall()]


def row_counts(conn) -> dict[str, int]:
    counts = {}
    for schema, table in list_tables(conn):
        q = sql.SQL("select count(*) from {}").format(sql.Identifier(schema, table))
        counts[f"{schema}.{table}"] = conn.execute(q).fetchone()[0]
    return counts


# Silver and gold tables the layer fault tests compare, with bronze.draws: every column except
# generated ids, timestamps and the code version (bronze: CONTENT's columns, as `source` names
# the file that first brought a draw); floats rounded so that a sum taken in another
# order (a rebuild after late draws) cannot differ in its last bit.
LAYER_TABLES = ("bronze.draws", "silver.number_features", "silver.predictions",
                "silver.prediction_scores", "gold.prediction_results", "gold.model_performance")
_VOLATILE_TYPES = ("uuid", "timestamp with time zone", "timestamp without time zone")


def _layer_column(name: str, dtype: str) -> sql.Composable:
    if dtype in ("double precision", "real"):
        return sql.SQL("round({}::numeric, 9)").format(sql.Identifier(name))
    if dtype == "jsonb":  # durations inside jsonb differ between two correct runs
        return sql.SQL("regexp_replace({}::text, {}, '', 'g')").format(
            sql.Identifier(name), sql.Literal(r'"[a-z_]*seconds": [-0-9.e]+'))
    return sql.Identifier(name)


def layer_checksums(conn) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of the sorted rows' content)} for LAYER_TABLES."""
    out = {}
    for table in LAYER_TABLES:
        schema, name = table.split(".")
        cols = conn.execute("select column_name, data_type from information_schema.columns"
                            " where table_schema = %s and table_name = %s"
                            " order by ordinal_position", (schema, name)).fetchall()
        keep = [_layer_column(c, t) for c, t in cols
                if t not in _VOLATILE_TYPES and c != "code_version"
                and c in CONTENT.get(table, (c,))]
        query = sql.SQL("select count(*), coalesce(md5(string_agg(h, '' order by h)), '')"
                        " from (select md5(row({})::text) as h from {}) r").format(
            sql.SQL(", ").join(keep), sql.Identifier(schema, name))
        out[table] = tuple(conn.execute(query).fetchone())
    return out
