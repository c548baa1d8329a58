"""Ingest one source into bronze: read, validate, stage, gate, publish; and the gate's suite.

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

The gate (`check`, run by quality/gate.py as the "bronze" suite): SQL audits on the batch and
the calendar (bronze/audits.py), then expectations on the draws.

The expectations check every row against the rules of its draw date: the key is unique, the
recorded era is the date's era, 5 distinct ascending whites, whites/special in the era's
ranges, multiplier allowed in the era, weekday a draw day of the date's schedule.

The rules come from games.toml: each row gets `rule_*` columns (its date's era, schedule and
ranges), so one column-pair expectation covers every era at once. The list is data (GX types
and kwargs, `expectation_specs`): a staged batch is checked by `quality.gate` as one
query where the rows are (~10 ms for 20,000 rows, against ~0.4 s of Great Expectations' fixed
Python cost per game and its 3 s import); `check bronze` runs the same list through GX on a
frame of the published draws.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from functools import partial

import numpy as np
from psycopg import sql

from pipeline import copy as pgcopy
from pipeline.bronze import audits as bronze_audits
from pipeline.bronze.batch import Rows, StagedIndex, iter_chunks, raw_rows, repeated_dates
from pipeline.bronze.read import read_source
from pipeline.db import connect, load_sql, run_sql
from pipeline.errors import PipelineError
from pipeline.games import WEEKDAYS, Game, by_date, get_game
from pipeline.quality import gate, gx_runner, partitions
from pipeline.quality.gate import Spec, expect, expect_greater
from pipeline.quality.results import CheckResult, GateFailedError
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


# --- The gate's suite: the batch's SQL audits and the draws' expectations ---

WHITES = ["white_1", "white_2", "white_3", "white_4", "white_5"]
SAMPLE_COLUMNS = ["line_no", "draw_date", *WHITES, "special_ball", "multiplier", "era",
                  "rule_era", "rule_white_max", "rule_special_max", "weekday"]


def add_rule_columns(frame, game: Game):
    """The rules of each row's draw date, as columns GX can compare the row with."""
    import pandas as pd

    dates = pd.to_datetime(frame["draw_date"])
    days = dates.to_numpy(dtype="datetime64[D]")
    starts = [e.start for e in game.eras]
    frame["rule_era"] = by_date(days, starts, [e.name for e in game.eras])
    for col, attr in (("rule_white_min", "white_min"), ("rule_white_max", "white_max"),
                      ("rule_special_min", "special_min"), ("rule_special_max", "special_max")):
        frame[col] = pd.to_numeric(by_date(days, starts, [getattr(e, attr) for e in game.eras]))
    frame["rule_schedule"] = by_date(days, [s.start for s in game.schedules],
                                     [s.start.isoformat() for s in game.schedules])
    frame["weekday"] = dates.dt.dayofweek.map(dict(enumerate(WEEKDAYS))).astype(object)
    # "<era>:<multiplier>" and "<schedule>:<weekday>": one in-set expectation checks every
    # era's allowed multipliers and every schedule's draw days (null multiplier = none drawn).
    mult = frame["multiplier"].astype("Int64").astype(str)
    frame["era_multiplier"] = (frame["rule_era"].astype(str) + ":" + mult).where(
        frame["multiplier"].notna(), None).astype(object)
    frame["schedule_weekday"] = (frame["rule_schedule"].astype(str) + ":"
                                 + frame["weekday"].astype(str)).astype(object)
    return frame


def expectation_specs(game: Game) -> list[Spec]:
    """The bronze expectations, the same 15 for every batch of `game` (GX types and kwargs)."""
    allowed_multipliers = [f"{e.name}:{m}" for e in game.eras for m in e.multipliers]
    draw_days = [f"{s.start.isoformat()}:{WEEKDAYS[d]}" for s in game.schedules
                 for d in sorted(s.weekdays)]
    return [
        expect("column_values_to_be_in_set", column="game", value_set=[game.id]),
        expect("compound_columns_to_be_unique", column_list=["game", "draw_date"]),
        expect("column_values_to_not_be_null", column="rule_era"),
        expect("column_pair_values_to_be_equal", column_A="era", column_B="rule_era"),
        expect("select_column_values_to_be_unique_within_record", column_list=WHITES),
        *[expect_greater(hi, lo) for lo, hi in zip(WHITES, WHITES[1:], strict=False)],
        # With whites ascending, white_1 >= min and white_5 <= max bound all five.
        expect_greater("white_1", "rule_white_min", or_equal=True),
        expect_greater("rule_white_max", "white_5", or_equal=True),
        expect_greater("special_ball", "rule_special_min", or_equal=True),
        expect_greater("rule_special_max", "special_ball", or_equal=True),
        expect("column_values_to_be_in_set", column="era_multiplier",
               value_set=allowed_multipliers),
        expect("column_values_to_be_in_set", column="schedule_weekday", value_set=draw_days),
    ]


def expectation_list(game: Game) -> list:
    """The bronze expectations as GX objects (the frame path of `check bronze`)."""
    E = gx_runner.expectations()
    return [spec.to_gx(E) for spec in expectation_specs(game)]


def validate_draws(game: Game, frame) -> list[CheckResult]:
    frame = add_rule_columns(frame, game)
    return gx_runner.validate_frame(frame, expectation_list(game),
                                    name=f"bronze.{game.id}", sample_columns=SAMPLE_COLUMNS)


def _case(rules: list[tuple[dt.date, object]], otherwise=None):
    """CASE picking the value of the last rule start <= draw_date (values from games.toml)."""
    from psycopg import sql

    whens = [sql.SQL("when s.draw_date >= {} then {}").format(sql.Literal(start),
                                                            sql.Literal(value))
             for start, value in reversed(rules)]
    return sql.SQL("case {} else {} end").format(sql.SQL(" ").join(whens),
                                                 sql.Literal(otherwise))


def staged_rules_query(conn, game: Game) -> str:
    """sql/quality/bronze_staged_rules.sql with the game's rules as CASE expressions.

    The rules are literals: each is a date, an int or an era/weekday name from games.toml,
    quoted by psycopg (sql.Literal), never raw text. The batch id is not in the text: the
    caller binds it as a parameter.
    """
    eras = game.eras
    rules = {
        "rule_era": _case([(e.start, e.name) for e in eras]),
        "rule_white_min": _case([(e.start, e.white_min) for e in eras]),
        "rule_white_max": _case([(e.start, e.white_max) for e in eras]),
        "rule_special_min": _case([(e.start, e.special_min) for e in eras]),
        "rule_special_max": _case([(e.start, e.special_max) for e in eras]),
        "rule_schedule": _case([(s.start, s.start.isoformat()) for s in game.schedules]),
        "weekdays": sql.Literal(list(WEEKDAYS)),
    }
    # The text is wrapped as a subquery: the file's header comment stays in the file.
    body = "\n".join(line for line in load_sql("quality/bronze_staged_rules.sql").splitlines()
                     if not line.startswith("--"))
    text = sql.SQL(body).format(**rules)
    return text.as_string(conn)


def validate_staged(conn, game: Game, batch_id: str) -> list[CheckResult]:
    """The 15 expectations on a staged batch, as one query where the rows are (no GX: its
    import and per-validation Python cost were most of a per-game ingest)."""
    # The rules are quoted literals inside the text; a literal '%' must not read as a
    # placeholder once the batch id is bound. OFFSET 0 keeps the query a subquery whose rule
    # columns are computed once a row: pulled up into the counts, each of the 15 conditions
    # computed again the CASE and the text of every rule it names.
    rows = sql.SQL("select * from ({}) q where q.batch_id = %(batch_id)s offset 0").format(
        sql.SQL(staged_rules_query(conn, game).replace("%", "%%")))
    return gate.validate_query(
        conn, rows, {"batch_id": batch_id}, expectation_specs(game),
        sample_columns=SAMPLE_COLUMNS, order_by="line_no")


def check(conn, game_id: str, batch_id: str) -> list[CheckResult]:
    """The gate on a staged batch: SQL audits, then GX on its staged draws."""
    game = get_game(game_id)
    t0 = time.perf_counter()
    results = bronze_audits.batch_counts(conn, batch_id)
    staged = results[-1].observed_value["staged"]
    results.append(bronze_audits.missing_draw_dates(conn, game, batch_id))
    t1 = time.perf_counter()
    results += validate_staged(conn, game, batch_id)
    log.info("bronze gate: %d rows, SQL audits %.3fs, expectations %.3fs", staged, t1 - t0,
             time.perf_counter() - t1)
    return results


def check_published(conn, game_id: str, partition: str | None) -> list[CheckResult]:
    """`check bronze` on demand: the published draws of the game against the same rules."""
    game = get_game(game_id)
    date_from, date_to = partitions.date_range("bronze", partition)
    frame = gx_runner.frame_from_sql(conn, "quality/bronze_published_rows.sql", {
        "game": game_id, "date_from": date_from, "date_to": date_to})
    results = [CheckResult("draws_published", len(frame) > 0,
                           observed_value={"rows": len(frame)},
                           unexpected_count=0 if len(frame) else 1)]
    results.append(bronze_audits.missing_draw_dates(conn, game, None, date_from=date_from,
                                                    date_to=date_to))
    return results + validate_draws(game, frame)
