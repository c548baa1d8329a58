"""The `features` step: build as-of features from bronze, stage, gate, publish (incremental).

An incremental run rebuilds from the earliest bronze draw the published features do not reflect
(new or revised, tracked in silver.feature_draws) and leaves earlier rows alone; --full rebuilds
everything. The history is always read whole (one vectorised pass is cheap); only the rebuilt
rows are written.
"""

from __future__ import annotations

import logging
import uuid

import numpy as np
import pandas as pd
from psycopg import IsolationLevel

from pipeline.db import connect, run_sql
from pipeline.games import get_game
from pipeline.silver import features
from pipeline.silver.copy import copy_frame, copy_frame_binary
from pipeline.silver.history import load_timeline
from pipeline.wap import Wap

log = logging.getLogger(__name__)
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


def build_features(game_id: str, *, full: bool = False, windows=features.TABLE_WINDOWS,
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
            feats = features.build(tl, windows)
            rows = features.to_frame(tl, feats, first_row=start)
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
