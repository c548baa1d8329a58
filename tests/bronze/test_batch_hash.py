"""The vectorised record hash of bronze's fast path equals validate.record_hash, row by row.

bronze.draws.record_hash is how a rerun tells unchanged rows from revised ones: a hash that
drifted by one byte would make every stored draw look revised.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from pipeline.bronze.batch import MAX_NUMBER, _hash, _iso_bytes
from pipeline.bronze.validate import record_hash


def _expected(game: str, days, ordered, special, mult) -> list[bytes]:
    return [record_hash(game, d, w, s, m if m > 0 else None).encode()
            for d, w, s, m in zip(days.astype(object).tolist(), ordered.tolist(),
                                  special.tolist(), mult.tolist(), strict=True)]


def _rows(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    first = np.datetime64("0001-01-01").astype(np.int64)
    last = np.datetime64("9999-12-31").astype(np.int64)
    days = rng.integers(first, last + 1, n).astype("datetime64[D]")
    ordered = np.sort(rng.integers(1, 100, (n, 5)), axis=1)
    special = rng.integers(0, 100, n)
    mult = rng.choice([-1, 0, 2, 3, 10, 999], n)  # -1: no multiplier column value
    return days, ordered, special, mult


def test_hash_equals_record_hash_on_random_rows():
    days, ordered, special, mult = _rows(5_000)
    got = _hash("powerball", days, ordered, special, mult)
    assert got.tolist() == _expected("powerball", days, ordered, special, mult)


def test_hash_falls_back_to_record_hash_past_three_digits():
    days, ordered, special, mult = _rows(50, seed=11)
    special[3] = MAX_NUMBER + 5  # not representable by the three-digit table
    got = _hash("lotto_x", days, ordered, special, mult)
    assert got.tolist() == _expected("lotto_x", days, ordered, special, mult)


def test_iso_bytes_equal_isoformat_at_every_century_edge():
    edges = [dt.date(y, m, d) for y in (1, 4, 99, 100, 400, 999, 1000, 1900, 2000, 2024, 9999)
             for m, d in ((1, 1), (2, 28), (3, 1), (12, 31))]
    edges += [dt.date(2024, 2, 29), dt.date(2000, 2, 29), dt.date(1600, 2, 29)]
    days = np.array(edges, dtype="datetime64[D]")
    got = [bytes(row).decode() for row in _iso_bytes(days)]
    assert got == [d.isoformat() for d in edges]
