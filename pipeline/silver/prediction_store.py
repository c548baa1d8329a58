"""Write, audit, publish for predictions: staging, the predictions gate, one publish transaction."""

from __future__ import annotations

import logging
import time
import uuid

from pipeline.db import advisory_xact_lock, connect, run_sql
from pipeline.errors import PipelineError
from pipeline.ops.faults import fault_point
from pipeline.quality.gate import run_gate
from pipeline.silver.copy import copy_frame, copy_rows
from pipeline.silver.walkforward import SCORE_COLUMNS, Output

log = logging.getLogger(__name__)


def _stage(conn, game: str, out: Output, staging_id: str, models: list[str], targets: list):
    with conn.transaction():
        advisory_xact_lock(conn, "silver", game)
        run_sql(conn, "silver/unstage_predictions.sql",
                {"game": game, "models": models, "targets": targets})
        for table, frame in (("staging.model_runs", out.runs),
                             ("staging.predictions", out.predictions)):
            copy_frame(conn, table, frame.assign(staging_id=staging_id))
        run_sql(conn, "silver/create_score_wire.sql")
        copy_rows(conn, "score_wire", SCORE_COLUMNS,
                  ["text", "text", "date", "text", "int2", "float8[]"], out.scores)
        run_sql(conn, "silver/stage_scores_from_wire.sql", {"staging_id": staging_id})
    run_sql(conn, "silver/analyze_staged_predictions.sql")
    conn.commit()


def _publish(conn, game: str, out: Output, staging_id: str, models: list[str]) -> dict:
    params = {"game": game, "staging_id": staging_id, "models": models}
    with conn.transaction():
        advisory_xact_lock(conn, "silver", game)
        fault_point("silver.predictions.publish.locked")
        staged = run_sql(conn, "silver/staged_prediction_counts.sql", params).fetchone()
        expected = (len(out.runs), len(out.predictions), out.score_rows)
        if tuple(staged) != expected:
            raise PipelineError(
                f"staged predictions {staged} differ from what was written {expected}: a "
                f"concurrent run of the same models and dates cleared them; nothing was "
                f"published, rerun")
        replaced, _ = run_sql(conn, "silver/delete_replaced_predictions.sql", params).fetchone()
        fault_point("silver.predictions.publish.deleted")
        run_sql(conn, "silver/insert_model_runs.sql", params)
        fault_point("silver.predictions.publish.runs_inserted")
        run_sql(conn, "silver/insert_predictions.sql", params)
        fault_point("silver.predictions.publish.predictions_inserted")
        run_sql(conn, "silver/insert_prediction_scores.sql", params)
        fault_point("silver.predictions.publish.scores_inserted")
        orphans = run_sql(conn, "silver/delete_orphan_model_runs.sql", params).rowcount
        fault_point("silver.predictions.publish.orphans_dropped")
        run_sql(conn, "silver/drop_staged_predictions.sql", params)
        fault_point("silver.predictions.publish.before_commit")
    fault_point("silver.predictions.publish.committed")
    return {"replaced_predictions": replaced, "dropped_model_runs": orphans}


def store(game: str, out: Output, partition: str, models: list[str], *,
          skip_checks: bool = False) -> dict:
    """Stage `out`, gate it, publish it (replacing these models' rows for these targets)."""
    staging_id = str(uuid.uuid4())
    targets = sorted(set(out.predictions["target_draw_date"]))
    timings = {}
    with connect() as conn:
        started = time.perf_counter()
        _stage(conn, game, out, staging_id, models, targets)
        timings["stage_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        with conn.transaction():
            run_gate(conn, "predictions", game, partition, staging_id, skip=skip_checks)
        timings["gate_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        counts = _publish(conn, game, out, staging_id, models)
        timings["publish_seconds"] = time.perf_counter() - started
    log.info("predictions %s: %s", partition, {k: round(v, 3) for k, v in timings.items()})
    return {"staging_id": staging_id, "model_runs": len(out.runs),
            "predictions": len(out.predictions), "scores": out.score_rows, **counts,
            **{k: round(v, 3) for k, v in timings.items()}}
