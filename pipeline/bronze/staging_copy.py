"""A chunk's staged rows as one PostgreSQL binary COPY payload, built by numpy (pipeline/copy.py).

psycopg's write_row renders each value of each row in Python (~3.5 us a row, more than the
validation); here rows sharing a layout (era name, multiplier drawn or not, source order kept
or not) are rendered as one byte block. Each row's bytes are exactly what write_row would send
for it with the staging column types.
"""

from __future__ import annotations

import uuid

import numpy as np

from pipeline import copy as pgcopy
from pipeline.bronze.batch import Rows

STAGE_COLUMNS = ("batch_id", "line_no", "game", "draw_date", "white_1", "white_2", "white_3",
                 "white_4", "white_5", "special_ball", "multiplier", "white_order_source",
                 "era", "source", "record_hash")
SIGNATURE = pgcopy.SIGNATURE
TRAILER = pgcopy.TRAILER


def _block(rows: Rows, batch_id: bytes, era: bytes, has_mult: bool, has_order: bool,
           source: bytes) -> bytes:
    """The binary COPY tuples of rows sharing one layout."""
    n = len(rows)
    return pgcopy.block([
        pgcopy.same(batch_id, n), pgcopy.fixed(rows.lines, "int4"),
        pgcopy.same(rows.game.id.encode(), n), pgcopy.fixed(rows.days, "date"),
        *[pgcopy.fixed(rows.whites[:, k], "int2") for k in range(5)],
        pgcopy.fixed(rows.special, "int2"),
        pgcopy.fixed(rows.mult, "int2") if has_mult else pgcopy.same(None, n),
        pgcopy.array(rows.given, "int2") if has_order else pgcopy.same(None, n),
        pgcopy.same(era, n), pgcopy.same(source, n), pgcopy.strings(rows.hashes)])


def copy_payload(rows: Rows, batch_id: uuid.UUID, source: str, *,
                 signature: bool = True, trailer: bool = True) -> bytes:
    """The binary COPY data of `rows` (STAGE_COLUMNS order) for `batch_id` from `source`."""
    blocks = []
    if len(rows):
        eras = [e.name.encode() for e in rows.game.eras]
        has_mult = rows.mult >= 0
        has_order = (rows.given != rows.whites).any(axis=1)
        layout = rows.era_i * 4 + has_mult * 2 + has_order
        # One block per layout, each in line order: COPY's row order carries no meaning (the
        # key is (batch_id, line_no)), and scattering rows back into line order cost twice the
        # rendering.
        for key in np.unique(layout).tolist():
            era_i, flags = divmod(key, 4)
            blocks.append(_block(rows.take(np.flatnonzero(layout == key)), batch_id.bytes,
                                 eras[era_i], bool(flags & 2), bool(flags & 1),
                                 source.encode()))
    return (SIGNATURE if signature else b"") + b"".join(blocks) + (TRAILER if trailer else b"")
