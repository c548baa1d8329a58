"""As-of features: computed, staged, gated, published (the `features` step).

Computed: for every draw of a timeline, over the whole history in one pass. Row i's statistics
come from rows < i only (cumulative sums shifted by one draw), counted within the ball's range
epoch (pipeline/silver/eras.py). Everything is dense [draw, number] arrays: no loop per draw or
per number.

Staged and published (`build_features`): an incremental run rebuilds from the earliest bronze
draw the published features do not reflect (new or revised, tracked in silver.feature_draws) and
leaves earlier rows alone; --full rebuilds everything. The history is always read whole (one
vectorised pass is cheap); only the rebuilt rows are written (binary COPY into
staging.number_features), then gated and published by the write-audit-publish engine
(pipeline/wap.py).

Gated (`check`; `check_published` for `check features`): the rows one write staged in
staging.number_features (or the published silver.number_features of a date range). Two layers
over the same rows:
- Great Expectations-style expectations on compact rows, one per (draw, ball type)
  summarising its numbers and counts beside the game definition's rules for that date
  (`features_draw_summary.sql`): no nulls, the row's era is its date's era, each number once,
  numbers inside the era's range, counts start at the ball's range epoch, counts within their
  windows. A write's gate evaluates them as one query where the rows are
  (`quality.gate`): GX's 6 s import and ~0.3 s of fixed Python per validation were
  a third of a per-game gate. `check features` runs the same list through GX on the frame of
  those rows (tests/quality/test_features_expectations.py holds the two to the same results).
- SQL audits for what expectations do badly: every valid number of the era present once for
  each draw and every count equal to an independent recount from bronze (one pass), every
  bronze draw covered, features dated strictly before their draw, draw markers equal bronze's
  hashes.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from psycopg import IsolationLevel, sql

from pipeline.db import connect, load_sql, run_sql
from pipeline.games import Game, get_game
from pipeline.quality import gate, gx_runner, partitions
from pipeline.quality.gate import Spec, expect, expect_greater
from pipeline.quality.results import CheckResult
from pipeline.silver.audit import audit, audit_kinds, passed_kinds, prepare, rows_counted
from pipeline.silver.copy import copy_frame, copy_frame_binary
from pipeline.silver.eras import (
    BALLS,
    ball_range,
    epoch_starts,
    era_positions,
    max_number,
    picks,
)
from pipeline.silver.history import Timeline, load_timeline
from pipeline.wap import Wap

log = logging.getLogger(__name__)

TABLE_WINDOWS = (10, 25, 50, 100)  # the hits_<w> columns of silver.number_features
TABLE_COLUMNS = ("game", "draw_date", "era", "ball_type", "number", "history_from",
                 "as_of_draw_date", "era_draws_before", "hits_10", "hits_25", "hits_50",
                 "hits_100", "hits_era", "draws_since_seen", "seen_in_era")


@dataclass
class BallFeatures:
    """One ball type's features; arrays are [draw, number] with column 0 unused."""

    ball: str
    picks: np.ndarray  # [N] numbers drawn of this ball type per draw
    start: np.ndarray  # [N] timeline index of the first draw of row i's epoch (<= i)
    history_from: np.ndarray  # [N] datetime64: first day of row i's epoch
    valid: np.ndarray  # bool: number is in row i's era range
    drawn: np.ndarray  # bool: number was drawn in row i (False where the result is not known)
    since_seen: np.ndarray  # int32: epoch draws after its last appearance (era_draws if none)
    seen: np.ndarray  # bool: appeared in the epoch before row i
    hits: dict = field(default_factory=dict)  # window (int) or "era" -> int32 appearances

    @property
    def era_draws(self) -> np.ndarray:
        return np.arange(len(self.start)) - self.start

    def range_size(self) -> np.ndarray:
        return self.valid.sum(axis=1)


def _drawn_matrix(tl: Timeline, ball: str, width: int) -> np.ndarray:
    n = len(tl)
    drawn = np.zeros((n, width), dtype=bool)
    balls = tl.whites if ball == "white" else tl.special[:, None]
    drawn[np.arange(n)[:, None], balls] = True
    drawn[:, 0] = False  # unknown rows carry zeros
    drawn[~tl.known] = False
    return drawn


def build_ball(tl: Timeline, ball: str, windows) -> BallFeatures:
    game, n = tl.game, len(tl)
    width = max_number(game, ball) + 1
    pos = era_positions(game, tl.dates)
    eras = game.eras
    lo = np.array([ball_range(e, ball)[0] for e in eras])[pos]
    hi = np.array([ball_range(e, ball)[1] for e in eras])[pos]
    history_from = np.array(epoch_starts(game, ball), dtype="datetime64[D]")[pos]
    start = np.searchsorted(tl.dates, history_from, side="left")
    numbers = np.arange(width)
    valid = (numbers >= lo[:, None]) & (numbers <= hi[:, None])
    drawn = _drawn_matrix(tl, ball, width)
    before = np.zeros((n + 1, width), dtype=np.int32)  # before[i] = appearances in rows < i
    np.cumsum(drawn, axis=0, dtype=np.int32, out=before[1:])
    rows = np.arange(n)
    hits = {"era": before[:n] - before[start]}
    for w in sorted(set(windows)):
        hits[w] = before[:n] - before[np.maximum(rows - w, start)]
    last = np.where(drawn, rows[:, None], -1)
    np.maximum.accumulate(last, axis=0, out=last)
    last_before = np.vstack([np.full((1, width), -1), last[:-1]])
    seen = last_before >= start[:, None]
    since = np.where(seen, rows[:, None] - 1 - last_before, (rows - start)[:, None])
    count = np.array([picks(e, ball) for e in eras])[pos]
    return BallFeatures(ball, count, start, history_from, valid, drawn,
                        since.astype(np.int32), seen, hits)


def build(tl: Timeline, windows=TABLE_WINDOWS) -> dict[str, BallFeatures]:
    windows = sorted(set(TABLE_WINDOWS) | set(windows))
    return {ball: build_ball(tl, ball, windows) for ball in BALLS}


def to_frame(tl: Timeline, feats: dict[str, BallFeatures], first_row: int = 1) -> pd.DataFrame:
    """Table rows (TABLE_COLUMNS) for timeline rows >= first_row; row 0 has no history.

    Dates stay datetime64 (no ISO text): formatting and re-parsing 10^6 dates was half of the
    build's and the binary COPY's Python time.
    """
    first_row = max(first_row, 1)
    era_names = np.array([e.name for e in tl.game.eras])[era_positions(tl.game, tl.dates)]
    frames = []
    for ball, f in feats.items():
        r, num = np.nonzero(f.valid[first_row:])
        r = r + first_row
        frames.append(pd.DataFrame({
            "game": tl.game.id, "draw_date": tl.dates[r], "era": era_names[r],
            "ball_type": ball, "number": num.astype(np.int16),
            "history_from": f.history_from[r], "as_of_draw_date": tl.dates[r - 1],
            "era_draws_before": f.era_draws[r],
            **{f"hits_{w}": f.hits[w][r, num] for w in TABLE_WINDOWS},
            "hits_era": f.hits["era"][r, num], "draws_since_seen": f.since_seen[r, num],
            "seen_in_era": f.seen[r, num],
        }, columns=list(TABLE_COLUMNS)))
    return pd.concat(frames, ignore_index=True)


# staging.number_features columns as written (binary COPY; created_at takes its default).
FEATURE_TYPES = {"game": "text", "draw_date": "date", "era": "text", "ball_type": "text",
                 "number": "int2", "history_from": "date", "as_of_draw_date": "date",
                 "era_draws_before": "int4", "hits_10": "int2", "hits_25": "int2",
                 "hits_50": "int2", "hits_100": "int2", "hits_era": "int4",
                 "draws_since_seen": "int4", "seen_in_era": "bool", "staging_id": "uuid"}


def _rebuild_from(conn, game_id: str, full: bool, tl) -> int | None:
    """Timeline row to rebuild from, or None when the features are up to date."""
    if full:
        return 0 if len(tl) else None
    day = run_sql(conn, "silver/features_rebuild_from.sql", {"game": game_id}).fetchone()[0]
    return None if day is None else tl.index_of(day)


def features_wap(game_id: str, staging_id: str) -> Wap:
    """One features write of `game_id`: silver's lock, the features suite, its publish file."""
    return Wap("silver", game_id, "features", "silver.features", "silver/publish_features.sql",
               staging_id)


def _stage(conn, wap: Wap, rows: pd.DataFrame, marks: pd.DataFrame) -> None:
    """Stage one write: the feature rows, and which bronze draw values they reflect."""

    def write(conn) -> None:
        run_sql(conn, "silver/unstage_features.sql", {"game": wap.game})
        copy_frame_binary(conn, "staging.number_features",
                          rows.assign(staging_id=wap.staging_id), FEATURE_TYPES)
        copy_frame(conn, "staging.feature_draws", marks.assign(staging_id=wap.staging_id))

    wap.stage(conn, write, analyze="silver/analyze_staged_features.sql")


def _reclaim_staging(conn) -> None:
    """VACUUM the staged rows the publish deleted, on the step's idle connection."""
    conn.autocommit = True
    try:
        run_sql(conn, "silver/vacuum_staged_features.sql")
    finally:
        conn.autocommit = False


def build_features(game_id: str, *, full: bool = False, windows=TABLE_WINDOWS,
                   skip_checks: bool = False) -> dict:
    game = get_game(game_id)
    wap = features_wap(game_id, str(uuid.uuid4()))
    with connect() as conn:
        with wap.timed("read"):
            conn.isolation_level = IsolationLevel.REPEATABLE_READ  # both reads see one snapshot
            with conn.transaction():
                tl = load_timeline(conn, game)
                start = _rebuild_from(conn, game_id, full, tl)
            conn.isolation_level = None
        result = {"game": game_id, "draws": len(tl), "mode": "full" if full else "incremental"}
        if start is None:
            return {**result, "status": "up_to_date", "rows": 0, "rebuilt_draws": 0}
        with wap.timed("compute"):
            feats = build(tl, windows)
            rows = to_frame(tl, feats, first_row=start)
            marks = pd.DataFrame({"game": game_id,
                                  "draw_date": np.datetime_as_string(tl.dates[start:], unit="D"),
                                  "record_hash": tl.record_hash[start:]})
        _stage(conn, wap, rows, marks)
        rebuild_from = tl.date(start)
        wap.gate(conn, f"from:{rebuild_from}", skip=skip_checks)
        published = wap.publish(
            conn, {"game": game_id, "staging_id": wap.staging_id, "rebuild_from": rebuild_from},
            expected=(len(rows), len(marks)), what="features",
            cleared_by="a concurrent features run of the game")
        replaced = published["deleted"][0].fetchone()[0]
        _reclaim_staging(conn)
    timings = wap.rounded_timings()
    log.info("published features %s from %s: %d rows, %s", game_id, rebuild_from, len(rows),
             timings)
    return {**result, "status": "published", "rebuild_from": str(rebuild_from),
            "rebuilt_draws": len(marks), "rows": len(rows), "replaced_rows": replaced,
            "staging_id": wap.staging_id, **timings}


SUMMARY_SQL = "quality/features_draw_summary.sql"
SAMPLE_COLUMNS = ["draw_date", "ball_type", "era", "rule_era", "numbers", "distinct_numbers",
                  "min_number", "max_number", "rule_min", "rule_max", "history_from",
                  "rule_history_from", "null_cells"]


# (draw, ball type, number) unique: as many distinct numbers as rows per draw (the cells verdict
# relies on it for distinct cells)
DISTINCT_NUMBERS = expect("column_pair_values_to_be_equal", column_A="numbers",
                          column_B="distinct_numbers")


def expectation_specs() -> list[Spec]:
    """The expectations on the per-(draw, ball type) rows with their rule columns (GX types
    and kwargs: the gate runs them in SQL, `check features` through GX)."""
    return [
        expect("column_values_to_be_in_set", column="null_cells", value_set=[0]),
        expect("column_values_to_be_in_set", column="ball_type", value_set=["white", "special"]),
        expect("compound_columns_to_be_unique", column_list=["draw_date", "ball_type"]),
        expect("column_values_to_not_be_null", column="rule_era"),
        expect("column_pair_values_to_be_equal", column_A="era", column_B="rule_era"),
        expect("column_values_to_be_in_set", column="eras", value_set=[1]),
        DISTINCT_NUMBERS,
        expect_greater("min_number", "rule_min", or_equal=True),
        expect_greater("rule_max", "max_number", or_equal=True),
        expect("column_pair_values_to_be_equal", column_A="history_from",
               column_B="rule_history_from"),
        expect("column_pair_values_to_be_equal", column_A="min_era_draws_before",
               column_B="max_era_draws_before"),
        expect("column_values_to_be_between", column="min_count", min_value=0),
        *[expect("column_values_to_be_between", column=f"max_hits_{w}", min_value=0, max_value=w)
          for w in TABLE_WINDOWS],
        expect_greater("min_era_draws_before", "max_hits_era", or_equal=True),
        expect_greater("min_era_draws_before", "max_draws_since_seen", or_equal=True),
    ]


def expectation_list() -> list:
    """The same expectations as GX objects."""
    E = gx_runner.expectations()
    return [s.to_gx(E) for s in expectation_specs()]


def validate_summary(frame, game: Game) -> list[CheckResult]:
    """GX on a frame of features_draw_summary.sql's rows (`check features`)."""
    return gx_runner.validate_frame(frame, expectation_list(), name=f"features.{game.id}",
                                    sample_columns=SAMPLE_COLUMNS)


def summary_in_sql(conn, params: dict) -> list[CheckResult]:
    """The expectations on features_draw_summary.sql's rows as one query, where they are."""
    # The file's text as a subquery: a newline so its last line cannot comment out the rest.
    rows = sql.SQL(load_sql(SUMMARY_SQL) + "\n")
    return gate.validate_query(conn, rows, params, expectation_specs(),
                               sample_columns=SAMPLE_COLUMNS,
                               order_by=["draw_date", "ball_type"], rows_once=True)


CELLS_SQL = "quality/features_cells_vs_recount.sql"
CELLS_VERDICT_SQL = "quality/features_cells_clean.sql"
CELL_KINDS = {"numbers": "features_every_valid_number_once_per_draw",
              "recount": "features_counts_match_bronze_recount"}


# (expectation, SQL file returning the violating rows)
AUDITS = (("features_cover_every_draw", "quality/features_cover_draws.sql"),
          ("features_dated_strictly_before_draw", "quality/features_dated_before_draw.sql"),
          ("features_draw_markers_match_bronze", "quality/features_marks_match_bronze.sql"))
DATED = "features_dated_strictly_before_draw"
COVER = "features_cover_every_draw"


def sql_audits(conn, params: dict, expectations: list[CheckResult],
               verdict: tuple) -> list[CheckResult]:
    """The audits after the expectations (`expectations`: their results): every valid number
    once per draw and every count equal to a recount from bronze (CELL_KINDS), then AUDITS.
    `verdict`: the row of features_cells_clean.sql (`verdict(conn, params)`).

    A one-pass verdict goes first (features_cells_clean.sql: no cell grid, no join of cells):
    cells valid and as many as the span's draws have valid numbers, every count checked
    against bronze, each row dated the bronze draw before its own, every draw marker on a
    draw of the span; distinct cells are the expectation DISTINCT_NUMBERS. Where it is clean,
    the full recount, the dated or the cover audit would find nothing and does not run;
    otherwise it runs and reports exactly what it finds.
    """
    (distinct,) = [r.success for r in expectations if r.expectation == DISTINCT_NUMBERS.name]
    cells_clean, dated_clean, covered, _ = verdict
    if cells_clean and distinct:
        results = passed_kinds(CELLS_VERDICT_SQL, CELL_KINDS)
    else:
        results = audit_kinds(conn, CELLS_SQL, params, CELL_KINDS)
    decided = {DATED: dated_clean, COVER: covered and distinct}
    for name, path in AUDITS:
        if decided.get(name):
            results += passed_kinds(CELLS_VERDICT_SQL, {name: name})
        else:
            results.append(audit(conn, name, path, params))
    return results


def verdict(conn, params: dict) -> tuple:
    """features_cells_clean.sql's row: (cells_clean, dated_clean, covered, audited_rows)."""
    return run_sql(conn, CELLS_VERDICT_SQL, params).fetchone()


def _run(conn, game: Game, params: dict, rows_name: str, *, gx: bool) -> list[CheckResult]:
    t0 = time.perf_counter()
    params = prepare(conn, game, params)
    # The verdict's pass over the audited rows counts them too: no count query of their own
    # (a scan of every staged row, ~4% of a gate).
    found = verdict(conn, params)
    results = [rows_counted(rows_name, found[3])]
    if gx:
        results += validate_summary(gx_runner.frame_from_sql(conn, SUMMARY_SQL, params), game)
    else:
        results += summary_in_sql(conn, params)
    t1 = time.perf_counter()
    results += sql_audits(conn, params, results, found)
    log.info("features suite: %d rows, verdict and expectations %.3fs (%s), SQL audits %.3fs",
             found[3],
             t1 - t0, "GX" if gx else "SQL", time.perf_counter() - t1)
    return results


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    """The gate on one staged write."""
    return _run(conn, get_game(game_id), partitions.staged_params(game_id, staging_id),
                "features_staged_rows", gx=False)


def check_published(conn, game_id: str, partition: str | None) -> list[CheckResult]:
    """`check features`: the published features of the game (or a date range) re-audited."""
    params = partitions.published_params("features", game_id, partition)
    with conn.transaction():  # `set local` settings last for this check only
        return _run(conn, get_game(game_id), params, "features_published_rows", gx=True)
