"""PostgreSQL binary COPY data built by numpy, one column at a time.

psycopg's `write_row` renders every value of every row in Python (microseconds a row: more
than the work that produced the row for bronze's staging, the features and the per-number
prediction scores). Here rows that share a layout (every variable-length value of the same byte
length, the same columns null) are one block: each column becomes an (n, width) array of its
fields' bytes (length word, then the value big-endian), and the block is those arrays side by
side behind each row's field count. A payload is SIGNATURE, blocks in any order (a table's row
order carries no meaning), TRAILER.

Used by bronze's staging (bronze/ingest.py), the features staging and the predictions
store (silver/copy.py).
"""

from __future__ import annotations

import uuid

import numpy as np

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # header, no flags, no extension
TRAILER = b"\xff\xff"
NULL = b"\xff\xff\xff\xff"
PG_EPOCH = np.datetime64("2000-01-01", "D")  # PostgreSQL's binary date origin
# Big-endian numpy type and element oid (for arrays) of the fixed-width types.
FIXED = {"int2": (">i2", 21), "int4": (">i4", 23), "int8": (">i8", 20),
         "float8": (">f8", 701), "bool": ("u1", 16), "date": (">i4", 1082)}


def field(data: bytes) -> bytes:
    """One field: its byte length, then the bytes."""
    return len(data).to_bytes(4, "big", signed=True) + data


def const(data: bytes, n: int) -> np.ndarray:
    """The same bytes in each of n rows, as an (n, len) view (no copy)."""
    return np.broadcast_to(np.frombuffer(data, dtype=np.uint8), (n, len(data)))


def same(data: bytes | None, n: int) -> np.ndarray:
    """A column whose field is `data` (None: null) in every row."""
    return const(NULL if data is None else field(data), n)


def big_endian(values, dtype: str) -> np.ndarray:
    """(n, width) bytes of `values` as the big-endian numpy `dtype`."""
    values = np.ascontiguousarray(values, dtype=dtype)
    return values.view(np.uint8).reshape(len(values), values.dtype.itemsize)


def days(values) -> np.ndarray:
    """Dates (anything numpy reads as datetime64) as PostgreSQL's days since 2000-01-01."""
    return (np.asarray(values, dtype="datetime64[D]") - PG_EPOCH).astype(np.int64)


def fixed(values, pg_type: str) -> list[np.ndarray]:
    """A fixed-width column (FIXED's types; dates as datetime64 or days since 2000-01-01 when
    already int): the length word and the values."""
    dtype, _ = FIXED[pg_type]
    values = np.asarray(values)
    if pg_type == "date" and not np.issubdtype(values.dtype, np.integer):
        values = days(values)
    width = np.dtype(dtype).itemsize
    return [const(width.to_bytes(4, "big"), len(values)), big_endian(values, dtype)]


def labels(values, pg_type: str = "text") -> list[np.ndarray]:
    """A text (or uuid) column of few distinct values, all of one byte length: each distinct
    value is encoded once."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    if pg_type == "uuid":
        encoded = [uuid.UUID(str(v)).bytes for v in uniques]
    elif pg_type == "text":
        encoded = [str(v).encode() for v in uniques]
    else:
        raise ValueError(f"labels: {pg_type!r} is not text or uuid")
    widths = {len(e) for e in encoded}
    if len(widths) > 1:
        raise ValueError(f"labels of one block need one byte length, got {sorted(widths)}")
    width = widths.pop() if widths else 0
    table = np.frombuffer(b"".join(encoded), dtype=np.uint8).reshape(len(encoded), width)
    return [const(width.to_bytes(4, "big"), len(codes)), table[codes]]


def strings(values: np.ndarray) -> list[np.ndarray]:
    """A text column of many distinct values of one byte length, as a numpy bytes (S) array."""
    width = values.dtype.itemsize
    return [const(width.to_bytes(4, "big"), len(values)),
            np.ascontiguousarray(values).view(np.uint8).reshape(len(values), width)]


def array(matrix: np.ndarray, pg_type: str) -> list[np.ndarray]:
    """A one-dimensional array column, no null elements: row i is matrix[i] (n, k)."""
    dtype, oid = FIXED[pg_type]
    n, k = matrix.shape
    width = np.dtype(dtype).itemsize
    header = b"".join(v.to_bytes(4, "big") for v in (1, 0, oid, k, 1))  # ndim, no nulls, oid,
    # then the one dimension: length k, lower bound 1
    elements = np.empty((n, k, 4 + width), dtype=np.uint8)
    elements[:, :, :4] = np.frombuffer(width.to_bytes(4, "big"), dtype=np.uint8)
    elements[:, :, 4:] = np.ascontiguousarray(matrix, dtype=dtype).view(np.uint8).reshape(
        n, k, width)
    total = len(header) + k * (4 + width)
    return [const(total.to_bytes(4, "big") + header, n), elements.reshape(n, k * (4 + width))]


def block(columns: list) -> bytes:
    """Rows of `columns` in binary COPY tuple format: each column an (n, width) array of its
    fields' bytes or a list of such arrays (as fixed/labels/array return)."""
    parts: list[np.ndarray] = []
    for column in columns:
        parts.extend(column if isinstance(column, list) else [column])
    if not parts:
        return b""
    n = len(parts[0])
    if n == 0:
        return b""
    count = const(len(columns).to_bytes(2, "big"), n)
    return np.hstack([count, *parts]).tobytes()


def payload(blocks) -> bytes:
    """A whole COPY stream of the given blocks."""
    return SIGNATURE + b"".join(blocks) + TRAILER
