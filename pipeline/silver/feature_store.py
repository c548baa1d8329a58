"""The `features` step: build as-of features from bronze, stage, gate, publish (incremental).

An incremental run rebuilds from the earliest bronze draw the published features do not reflect
(new or revised, tracked in silver.feature_draws) and leaves earlier rows alone; --full rebuilds
everything. The history is always read whole (one vectorised pass is cheap); only the rebuilt
rows are written.
"""

from __future__ import annotations

import logging
import time
import uuid

import numpy as np
import pandas as pd
from psycopg import IsolationLevel

from pipeline.db import advisory_xact_lock, connect, run_sql
from pipeline.errors import PipelineError
from pipeline.games import get_game
from pipeline.ops.faults import fault_point
from pipeline.quality.gate import run_gate
from pipeline.silver import features
from pipeline.silver.copy import copy_frame, copy_frame_binary
from pipeline.silver.history import load_timeline

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


def _stage(conn, game_id, staging_id, rows: pd.DataFrame, marks: pd.DataFrame) -> None:
    with conn.transaction():
        advisory_xact_lock(conn, "silver", game_id)
        run_sql(conn, "silver/unstage_features.sql", {"game": game_id})
        copy_frame_binary(conn, "staging.number_features", rows.assign(staging_id=staging_id),
                          FEATURE_TYPES)
        copy_frame(conn, "staging.feature_draws", marks.assign(staging_id=staging_id))
    run_sql(conn, "silver/analyze_staged_features.sql")
    conn.commit()


def _publish(conn, game_id, staging_id, rebuild_from, expected) -> int:
    params = {"game": game_id, "staging_id": staging_id, "rebuild_from": rebuild_from}
    with conn.transaction():
        advisory_xact_lock(conn, "silver", game_id)
        fault_point("silver.features.publish.locked")
        staged = tuple(run_sql(conn, "silver/staged_feature_counts.sql", params).fetchone())
        if staged != expected:
            raise PipelineError(f"staged features {staged} differ from what was written "
                                f"{expected}: a concurrent features run cleared them; rerun")
        replaced = run_sql(conn, "silver/delete_rebuilt_features.sql", params).fetchone()[0]
        fault_point("silver.features.publish.deleted")
        run_sql(conn, "silver/insert_features.sql", params)
        fault_point("silver.features.publish.inserted")
        run_sql(conn, "silver/insert_feature_draws.sql", params)
        fault_point("silver.features.publish.draws_marked")
        run_sql(conn, "silver/drop_staged_features.sql", params)
        fault_point("silver.features.publish.before_commit")
    fault_point("silver.features.publish.committed")
    return replaced


def build_features(game_id: str, *, full: bool = False, windows=features.TABLE_WINDOWS,
                   skip_checks: bool = False) -> dict:
    game = get_game(game_id)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with connect() as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ  # both reads see one snapshot
        with conn.transaction():
            tl = load_timeline(conn, game)
            start = _rebuild_from(conn, game_id, full, tl)
        conn.isolation_level = None
        timings["read_seconds"] = time.perf_counter() - started
        result = {"game": game_id, "draws": len(tl), "mode": "full" if full else "incremental"}
        if start is None:
            return {**result, "status": "up_to_date", "rows": 0, "rebuilt_draws": 0}
        started = time.perf_counter()
        feats = features.build(tl, windows)
        rows = features.to_frame(tl, feats, first_row=start)
        marks = pd.DataFrame({"game": game_id,
                              "draw_date": np.datetime_as_string(tl.dates[start:], unit="D"),
                              "record_hash": tl.record_hash[start:]})
        timings["compute_seconds"] = time.perf_counter() - started
        staging_id = str(uuid.uuid4())
        started = time.perf_counter()
        _stage(conn, game_id, staging_id, rows, marks)
        timings["stage_seconds"] = time.perf_counter() - started
        rebuild_from = tl.date(start)
        started = time.perf_counter()
        with conn.transaction():
            run_gate(conn, "features", game_id, f"from:{rebuild_from}", staging_id,
                     skip=skip_checks)
        timings["gate_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        replaced = _publish(conn, game_id, staging_id, rebuild_from, (len(rows), len(marks)))
        timings["publish_seconds"] = time.perf_counter() - started
    log.info("published features %s from %s: %d rows, %s", game_id, rebuild_from, len(rows),
             {k: round(v, 3) for k, v in timings.items()})
    return {**result, "status": "published", "rebuild_from": str(rebuild_from),
            "rebuilt_draws": len(marks), "rows": len(rows), "replaced_rows": replaced,
            "staging_id": staging_id, **{k: round(v, 3) for k, v in timings.items()}}
