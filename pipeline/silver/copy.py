"""Bulk writes into silver's staging: a DataFrame through one COPY (CSV, chunked, or binary
encoded by numpy), or blocks already encoded (pipeline/copy.py) through binary COPY."""

from __future__ import annotations

import pandas as pd
from psycopg import sql

from pipeline import copy as pgcopy
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


# --- Binary COPY of a whole DataFrame, encoded by numpy (pipeline/copy.py) ---
# CSV formatting of ~10^7 feature rows (dates as text, one Python call per cell) was most of
# the features step's staging time. A text column whose values differ in length splits the
# frame into groups (ball_type: 'white'/'special'), each one block. A frame with a null falls
# back to CSV: the gate, not COPY, must report nulls.
def record_block(frame: pd.DataFrame, types: dict[str, str]) -> bytes:
    """`frame`'s columns `types` as binary COPY tuples; every text value has one byte length."""
    return pgcopy.block([
        pgcopy.labels(frame[col].to_numpy(), pg_type) if pg_type in ("text", "uuid")
        else pgcopy.fixed(frame[col].to_numpy(), pg_type) for col, pg_type in types.items()])


def _byte_lengths(values) -> set[int]:
    return {len(str(v).encode()) for v in pd.unique(values)}


def copy_binary(conn, table: str, columns, blocks) -> None:
    """COPY the binary tuples of `blocks` (an iterable of bytes) into `table` (`columns`)."""
    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    statement = sql.SQL("copy {} ({}) from stdin (format binary)").format(
        ident(STAGING_TABLES, table), names)
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.write(pgcopy.SIGNATURE)
        for data in blocks:
            copy.write(data)
        copy.write(pgcopy.TRAILER)


def copy_frame_binary(conn, table: str, frame: pd.DataFrame, types: dict[str, str]) -> int:
    """COPY `frame`'s columns `types` ({column: int2|int4|bool|date|text|uuid}) in binary.

    Text columns must have few distinct values (names, labels): each is encoded once.
    """
    if frame[list(types)].isna().to_numpy().any():
        return copy_frame(conn, table, frame[list(types)])
    varying = [c for c, t in types.items() if t == "text" and len(_byte_lengths(frame[c])) > 1]
    groups = [frame] if not varying else [g for _, g in frame.groupby(varying, sort=False)]
    copy_binary(conn, table, types, (record_block(group.iloc[at:at + CHUNK_ROWS], types)
                                     for group in groups
                                     for at in range(0, len(group), CHUNK_ROWS)))
    return len(frame)
