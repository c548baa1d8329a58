"""Bulk writes: a DataFrame through one COPY (CSV, chunked), or rows through binary COPY."""

from __future__ import annotations

import pandas as pd
from psycopg import sql

from pipeline.db import ident

STAGING_TABLES = frozenset({"staging.number_features", "staging.feature_draws",
                            "staging.model_runs", "staging.predictions",
                            "staging.prediction_scores", "score_wire"})
CHUNK_ROWS = 200_000


def copy_frame(conn, table: str, frame: pd.DataFrame) -> int:
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns)
    statement = sql.SQL("copy {} ({}) from stdin with (format csv)").format(
        ident(STAGING_TABLES, table), columns)
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for at in range(0, len(frame), CHUNK_ROWS):
            copy.write(frame.iloc[at:at + CHUNK_ROWS].to_csv(header=False, index=False))
    return len(frame)


def copy_rows(conn, table: str, columns: tuple[str, ...], types: list[str], rows) -> int:
    """Binary COPY of Python tuples: no text formatting of floats (arrays stay compact)."""
    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    statement = sql.SQL("copy {} ({}) from stdin (format binary)").format(
        ident(STAGING_TABLES, table), names)
    count = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
