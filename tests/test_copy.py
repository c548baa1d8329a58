"""The binary COPY encoder (pipeline/copy.py) against PostgreSQL itself: what it encodes,
PostgreSQL reads back as the same values, and it is byte for byte what PostgreSQL's own
`copy ... to stdout (format binary)` sends for those rows."""

from __future__ import annotations

import datetime as dt
import math
import uuid

import numpy as np
import psycopg
import pytest
from psycopg import sql

from pipeline import copy as pgcopy

pytestmark = pytest.mark.integration

COLUMNS = {"i2": "int2", "i4": "int4", "i8": "int8", "f8": "float8", "b": "bool", "d": "date",
           "label": "text", "id": "uuid", "hash": "text", "none": "int4", "a2": "int2[]",
           "a8": "float8[]"}


def _rows(n: int, rng) -> dict:
    f8 = rng.standard_normal(n) * 10.0 ** rng.integers(-300, 300, n)
    f8[:4] = [0.0, -0.0, math.inf, 1 - 2**-53]
    days = np.datetime64("2000-01-01") + rng.integers(-40_000, 40_000, n).astype("timedelta64[D]")
    days[:2] = [np.datetime64("1999-12-31"), np.datetime64("2000-01-01")]
    return {
        "i2": rng.integers(-2**15, 2**15, n), "i4": rng.integers(-2**31, 2**31, n),
        "i8": rng.integers(-2**63, 2**63 - 1, n, dtype=np.int64), "f8": f8,
        "b": rng.random(n) < 0.5, "d": days,
        "label": rng.choice(["white", "green"], n),  # few values of one byte length
        "id": rng.choice([str(uuid.UUID(int=0)), str(uuid.uuid4()), str(uuid.uuid4())], n),
        "hash": np.array([f"{v:064x}".encode() for v in rng.integers(0, 2**62, n)], dtype="S64"),
        "a2": rng.integers(-300, 300, (n, 5)), "a8": rng.random((n, 7)),
    }


def _encode(rows: dict, n: int) -> bytes:
    return pgcopy.payload([pgcopy.block([
        pgcopy.fixed(rows["i2"], "int2"), pgcopy.fixed(rows["i4"], "int4"),
        pgcopy.fixed(rows["i8"], "int8"), pgcopy.fixed(rows["f8"], "float8"),
        pgcopy.fixed(rows["b"], "bool"), pgcopy.fixed(rows["d"], "date"),
        pgcopy.labels(rows["label"]), pgcopy.labels(rows["id"], "uuid"),
        pgcopy.strings(rows["hash"]), pgcopy.same(None, n),
        pgcopy.array(rows["a2"], "int2"), pgcopy.array(rows["a8"], "float8")])])


def test_postgresql_reads_what_was_encoded_and_encodes_it_the_same(database_url):
    n = 500
    rows = _rows(n, np.random.default_rng(7))
    data = _encode(rows, n)
    cols = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    with psycopg.connect(database_url) as conn:
        conn.execute(sql.SQL("create temp table copy_roundtrip (k serial, {})").format(
            sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t))
                               for c, t in COLUMNS.items())))
        with conn.cursor() as cur, cur.copy(sql.SQL(
                "copy copy_roundtrip ({}) from stdin (format binary)").format(cols)) as copy:
            copy.write(data)
        got = conn.execute(sql.SQL("select {} from copy_roundtrip order by k").format(
            cols)).fetchall()
        sent_back = bytearray()
        with conn.cursor() as cur, cur.copy(sql.SQL(
                "copy (select {} from copy_roundtrip order by k) to stdout (format binary)"
                ).format(cols)) as copy:
            for chunk in copy:
                sent_back += chunk
    assert bytes(sent_back) == data
    assert len(got) == n
    for i, row in enumerate(got):
        want = (int(rows["i2"][i]), int(rows["i4"][i]), int(rows["i8"][i]),
                float(rows["f8"][i]), bool(rows["b"][i]),
                dt.date.fromisoformat(str(rows["d"][i])), str(rows["label"][i]),
                uuid.UUID(rows["id"][i]), rows["hash"][i].decode(), None,
                rows["a2"][i].tolist(), rows["a8"][i].tolist())
        assert row == want, i
    assert math.copysign(1.0, got[1][3]) == -1.0  # -0.0 kept its sign


def test_blocks_of_different_layouts_make_one_payload(database_url):
    """Rows of one table in several blocks (a text of another length, a null column)."""
    blocks = [pgcopy.block([pgcopy.labels(np.array(["white"] * 3)),
                            pgcopy.fixed(np.array([1, 2, 3]), "int2"),
                            pgcopy.array(np.full((3, 2), 0.5), "float8")]),
              pgcopy.block([pgcopy.labels(np.array(["special"] * 2)),
                            pgcopy.same(None, 2),
                            pgcopy.array(np.full((2, 4), 0.25), "float8")]),
              pgcopy.block([pgcopy.labels(np.array([], dtype=object)),
                            pgcopy.fixed(np.array([], dtype=np.int64), "int2"),
                            pgcopy.array(np.zeros((0, 3)), "float8")])]
    with psycopg.connect(database_url) as conn:
        conn.execute("create temp table copy_blocks (ball text, n int2, s float8[])")
        with conn.cursor() as cur, cur.copy(
                "copy copy_blocks from stdin (format binary)") as copy:
            copy.write(pgcopy.payload(blocks))
        got = conn.execute("select ball, n, s from copy_blocks order by ball, n").fetchall()
    assert got == [("special", None, [0.25] * 4), ("special", None, [0.25] * 4),
                   ("white", 1, [0.5, 0.5]), ("white", 2, [0.5, 0.5]), ("white", 3, [0.5, 0.5])]


def test_labels_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="one byte length"):
        pgcopy.labels(np.array(["white", "special"]))
