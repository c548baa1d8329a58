"""Bulk writes: a DataFrame through one COPY (CSV, chunked, or binary built by numpy), or rows
through binary COPY."""

from __future__ import annotations

import uuid

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


# --- Binary COPY of a whole DataFrame, assembled by numpy (the features staging write) ---
# CSV formatting of ~10^7 feature rows (dates as text, one Python call per cell) was most of
# the features step's staging time. Here every column becomes a fixed-width big-endian field of
# a numpy record array; a text column whose values differ in length splits the frame into
# groups (ball_type: 'white'/'special'), each one record array. Row order does not matter to a
# table. A frame with a null falls back to CSV: the gate, not COPY, must report nulls.
_PG_EPOCH_DAYS = 10_957  # 2000-01-01 - 1970-01-01, PostgreSQL's binary date origin
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
_FIXED = {"int2": ">i2", "int4": ">i4", "bool": "u1", "date": ">i4"}


def _binary_column(values, pg_type: str):
    """(numpy dtype, array) of one column's field bytes (text: its distinct values encoded once)."""
    import numpy as np

    if pg_type == "date":
        days = np.asarray(values, dtype="datetime64[D]").astype(np.int64) - _PG_EPOCH_DAYS
        return ">i4", days
    if pg_type in ("text", "uuid"):
        codes, uniques = pd.factorize(values)
        if pg_type == "uuid":
            encoded = np.array([uuid.UUID(str(v)).bytes for v in uniques], dtype="S16")
        else:
            encoded = np.array([str(v).encode() for v in uniques], dtype=bytes)
        return encoded.dtype.str, encoded[codes]
    return _FIXED[pg_type], np.asarray(values)


def _record_block(frame, types: dict[str, str]) -> bytes:
    """One block of tuples in binary COPY format; every text value has one byte length."""
    import numpy as np

    fields, data = [("n", ">i2")], {"n": len(types)}
    for col, pg_type in types.items():
        dtype, values = _binary_column(frame[col].to_numpy(), pg_type)
        fields += [(f"{col}__len", ">i4"), (col, dtype)]
        data[f"{col}__len"], data[col] = np.dtype(dtype).itemsize, values
    block = np.empty(len(frame), dtype=fields)
    for name, values in data.items():
        block[name] = values
    return block.tobytes()


def _byte_lengths(values) -> set[int]:
    return {len(str(v).encode()) for v in pd.unique(values)}


def copy_frame_binary(conn, table: str, frame: pd.DataFrame, types: dict[str, str]) -> int:
    """COPY `frame`'s columns `types` ({column: int2|int4|bool|date|text|uuid}) in binary.

    Text columns must have few distinct values (names, labels): each is encoded once.
    """
    if frame[list(types)].isna().to_numpy().any():
        return copy_frame(conn, table, frame[list(types)])
    varying = [c for c, t in types.items() if t == "text" and len(_byte_lengths(frame[c])) > 1]
    groups = [frame] if not varying else [g for _, g in frame.groupby(varying, sort=False)]
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in types)
    statement = sql.SQL("copy {} ({}) from stdin (format binary)").format(
        ident(STAGING_TABLES, table), columns)
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.write(_BINARY_HEADER)
        for group in groups:
            for at in range(0, len(group), CHUNK_ROWS):
                copy.write(_record_block(group.iloc[at:at + CHUNK_ROWS], types))
        copy.write(b"\xff\xff")
    return len(frame)
