"""Ingest one source into bronze: read, validate, stage, gate, publish.

Three transactions, run by the write-audit-publish engine (pipeline/wap.py): staging (the batch
row and its staged rows together), the gate over the batch's staged rows, and the publish
(one statement: revisions, upsert, the batch closed with its counts and its staged rows
dropped, under the game's partition lock: sql/bronze/publish_batch.sql). The staged rows belong
to this batch alone, so what the gate passed is exactly what is published, or nothing is.

Validation streams: each chunk of rows is validated and written (COPY) before the next one is
parsed, inside the staging transaction, so a source that fails half-way writes nothing. Peak
memory is the source's bytes plus one chunk plus a 44-byte index entry per staged row.
ops.quarantine keeps at most PIPELINE_QUARANTINE_MAX_ROWS rows a batch; ops.ingest_batches
counts every one (quarantined, quarantine_stored).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import dataclass
from functools import partial

import numpy as np

from pipeline import copy as pgcopy
from pipeline.bronze.batch import Rows, StagedIndex, iter_chunks, raw_rows, repeated_dates
from pipeline.bronze.sources import read_source
from pipeline.db import connect, run_sql
from pipeline.errors import PipelineError
from pipeline.games import get_game
from pipeline.quality.results import GateFailedError
from pipeline.settings import settings
from pipeline.wap import Wap

log = logging.getLogger(__name__)


# The staged rows as one PostgreSQL binary COPY payload (pipeline/copy.py): psycopg's
# write_row renders each value of each row in Python (~3.5 us a row, more than the validation);
# rows sharing a layout (era, multiplier drawn or not, source order kept or not) are rendered
# as one byte block, each row's bytes exactly what write_row would send for it.
STAGE_COLUMNS = ("batch_id", "line_no", "game", "draw_date", "white_1", "white_2", "white_3",
                 "white_4", "white_5", "special_ball", "multiplier", "white_order_source",
                 "era", "source", "record_hash")


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


def copy_payload(rows: Rows, batch_id: uuid.UUID, source: str) -> bytes:
    """The binary COPY tuples of `rows` (STAGE_COLUMNS order) for `batch_id` from `source`
    (no signature or trailer: one COPY carries every chunk)."""
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
    return b"".join(blocks)


def quarantine_max_rows() -> int:
    """PIPELINE_QUARANTINE_MAX_ROWS: quarantine rows kept per batch (the rest are counted)."""
    return settings().quarantine_max_rows


@dataclass
class Staged:
    rows_read: int = 0
    staged: int = 0
    quarantined: int = 0
    quarantine_stored: int = 0


class _Stager:
    """Writes a batch's chunks into staging.draws and (up to the cap) ops.quarantine.

    The staged rows of every chunk go through ONE binary COPY, written as each chunk is
    validated: PostgreSQL stores a chunk while the next one is parsed (a COPY per chunk waited
    for the server each time). The quarantine rows kept (at most the cap) are held until that
    COPY ends, one COPY on a connection at a time.
    """

    def __init__(self, conn, batch_id, game_id: str, source: str, cap: int):
        self.conn, self.batch_id, self.game_id, self.source = conn, batch_id, game_id, source
        self.cap = cap
        self.counts = Staged()
        self.index = StagedIndex()
        self.held: list = []  # quarantine rows kept, not yet written

    def quarantine(self, rejects) -> None:
        """Count every reject; keep the first ones while the batch is under the cap."""
        room = self.cap - self.counts.quarantine_stored - len(self.held)
        self.held += rejects[:max(room, 0)]
        self.counts.quarantined += len(rejects)

    def write_quarantine(self) -> None:
        if not self.held:
            return
        with self.conn.cursor() as cur, cur.copy(
                "copy ops.quarantine (batch_id, line_no, game, raw_record, reason)"
                " from stdin") as copy:
            for line_no, raw, reason in self.held:
                copy.write_row((self.batch_id, line_no, self.game_id, raw, reason))
        self.counts.quarantine_stored += len(self.held)
        self.held = []

    def stage_all(self, chunks) -> None:
        """Every chunk's staged rows (binary COPY rendered by numpy: copy_payload) and rejects."""
        cols = ", ".join(STAGE_COLUMNS)
        with self.conn.cursor() as cur, cur.copy(
                f"copy staging.draws ({cols}) from stdin with (format binary)") as copy:
            copy.write(pgcopy.SIGNATURE)
            for chunk in chunks:
                self.counts.rows_read += chunk.rows_read
                self.quarantine(chunk.rejects)
                rows = chunk.rows
                self.index.add(rows)
                self.counts.staged += len(rows)
                if len(rows):
                    copy.write(copy_payload(rows, self.batch_id, self.source))
            copy.write(pgcopy.TRAILER)
        self.write_quarantine()

    def drop_repeated_dates(self, body: bytes, game) -> None:
        """Dates seen more than once in the batch: validate.resolve_duplicates's rules."""
        repeated = repeated_dates(self.index)
        self.index = StagedIndex()
        if not len(repeated.lines):
            return
        dropped = run_sql(self.conn, "bronze/unstage_repeated_dates.sql",
                          {"batch_id": self.batch_id}).rowcount
        if dropped != len(repeated.lines):  # two statements of one rule: never publish on doubt
            raise PipelineError(f"batch {self.batch_id}: {dropped} staged rows of repeated"
                                f" dates dropped, {len(repeated.lines)} expected")
        self.counts.staged -= dropped
        room = max(self.cap - self.counts.quarantine_stored, 0)
        lines = repeated.lines[:room].tolist()
        raws = raw_rows(body, game, set(lines))
        self.quarantine([(line, raws[line], repeated.reason(i)) for i, line in enumerate(lines)])
        self.write_quarantine()
        self.counts.quarantined += dropped - len(lines)


def _stage(conn, batch_id, game, source, sha, body: bytes, chunks) -> Staged:
    """The staging writer (run by wap in one transaction): the batch row, its staged rows and
    its quarantine. No partition lock: the batch's rows are its own (the batch lock)."""
    game_id = game.id
    with conn.pipeline():  # five statements, one round trip (they run in this order)
        run_sql(conn, "bronze/stage_commit_unflushed.sql")
        run_sql(conn, "bronze/hold_batch_lock.sql", {"batch_id": batch_id})
        run_sql(conn, "bronze/abandon_dead_batches.sql", {"game": game_id})
        run_sql(conn, "bronze/clear_failed_staging.sql", {"game": game_id})
        run_sql(conn, "bronze/start_batch.sql", {"batch_id": batch_id, "game": game_id,
                "source": source, "sha256": sha, "rows_read": 0})
    stager = _Stager(conn, batch_id, game_id, source, quarantine_max_rows())
    stager.stage_all(chunks)
    stager.drop_repeated_dates(body, game)
    counts = stager.counts
    run_sql(conn, "bronze/count_batch.sql", {
        "batch_id": batch_id, "rows_read": counts.rows_read,
        "quarantined": counts.quarantined, "quarantine_stored": counts.quarantine_stored})
    return counts


def _finish(conn, batch_id, status, counts, quarantined, message=None):
    run_sql(conn, "bronze/finish_batch.sql", {"batch_id": batch_id, "status": status,
            "quarantined": quarantined, "message": message, **counts})


def _publish(conn, wap: Wap, quarantined) -> dict:
    counts = {}

    def closed(conn, results) -> None:
        row = results["published"][-1].fetchone()
        if row is None:  # nothing was written: the batch row was not ours to close
            raise PipelineError(f"batch {wap.staging_id} is no longer open (not 'staging' in "
                                f"ops.ingest_batches): nothing was published, rerun")
        counts.update(zip(("inserted", "unchanged", "revised"), row, strict=True))

    wap.publish(conn, {"batch_id": wap.staging_id, "game": wap.game,
                       "quarantined": quarantined}, python={"before_commit": closed})
    return counts


def ingest(game_id: str, source: str, *, today: dt.date | None = None,
           skip_checks: bool = False, dry_run: bool = False) -> dict:
    """Load `source` into bronze for `game_id`; returns the batch's counts.

    Raises SourceError before writing anything when the source cannot be read, and
    GateFailedError (batch recorded as failed, bronze untouched) when the gate fails.
    """
    game = get_game(game_id)
    quarantine_max_rows()  # a bad setting fails before anything is read or written
    body = read_source(source)
    layout, chunks = iter_chunks(body, game, today or dt.date.today())  # header checked here
    batch_id = uuid.uuid4()
    sha = hashlib.sha256(body).hexdigest()
    wap = Wap("bronze", game_id, "bronze", "bronze", "bronze/publish_batch.sql", batch_id)
    with connect() as conn:
        counts = wap.stage(conn, partial(_stage, batch_id=batch_id, game=game, source=source,
                                         sha=sha, body=body, chunks=chunks), lock=False)
        del body, chunks  # staged: the gate and the publish need neither
        quarantined = counts.quarantined
        log.info("%s: %d rows in %s layout, %d valid, %d rejected (%d kept in ops.quarantine)",
                 source, counts.rows_read, layout.name, counts.staged, quarantined,
                 counts.quarantine_stored)
        result = {"batch_id": str(batch_id), "game": game_id, "source": source,
                  "layout": layout.name, "rows_read": counts.rows_read, "inserted": 0,
                  "unchanged": 0, "revised": 0, "quarantined": quarantined,
                  "quarantine_stored": counts.quarantine_stored}
        zero = {"inserted": 0, "unchanged": 0, "revised": 0}
        try:
            wap.gate(conn, f"batch:{batch_id}", skip=skip_checks)
        except GateFailedError as exc:
            with conn.transaction():
                _finish(conn, batch_id, "failed", zero, quarantined, str(exc)[:4000])
            raise
        if dry_run:
            with conn.transaction():
                _finish(conn, batch_id, "dry_run", zero, quarantined, "dry run: not published")
            return {**result, "status": "dry_run"}
        published = _publish(conn, wap, quarantined)
    log.info("published to bronze.draws: %d inserted, %d revised, %d unchanged, %d quarantined"
             " (%s)", published["inserted"], published["revised"], published["unchanged"],
             quarantined, wap.rounded_timings())
    return {**result, **published, "status": "published"}
