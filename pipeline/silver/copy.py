"""Bulk writes: a DataFrame into a staging table through one COPY (CSV, chunked)."""

from __future__ import annotations

import pandas as pd
from psycopg import sql

from pipeline.db import ident

STAGING_TABLES = frozenset({"staging.number_features", "staging.feature_draws",
                            "staging.model_runs", "staging.predictions",
                            "staging.prediction_scores"})
CHUNK_ROWS = 200_000


def copy_frame(conn, table: str, frame: pd.DataFrame) -> int:
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns)
    statement = sql.SQL("copy {} ({}) from stdin with (format csv)").format(
        ident(STAGING_TABLES, table), columns)
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for at in range(0, len(frame), CHUNK_ROWS):
            copy.write(frame.iloc[at:at + CHUNK_ROWS].to_csv(header=False, index=False))
    return len(frame)
