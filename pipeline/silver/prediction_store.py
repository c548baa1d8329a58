"""Write, audit, publish for predictions (pipeline/wap.py): staging, the predictions gate, one
publish transaction (sql/silver/publish_predictions.sql)."""

from __future__ import annotations

import logging
import uuid

from pipeline.db import connect, run_sql
from pipeline.silver.copy import copy_frame, copy_rows
from pipeline.silver.walkforward import SCORE_COLUMNS, Output
from pipeline.wap import Wap

log = logging.getLogger(__name__)


def _writer(out: Output, staging_id: str, game: str, models: list[str], targets: list):
    def write(conn) -> None:
        run_sql(conn, "silver/unstage_predictions.sql",
                {"game": game, "models": models, "targets": targets})
        for table, frame in (("staging.model_runs", out.runs),
                             ("staging.predictions", out.predictions)):
            copy_frame(conn, table, frame.assign(staging_id=staging_id))
        run_sql(conn, "silver/create_score_wire.sql")
        copy_rows(conn, "score_wire", SCORE_COLUMNS,
                  ["text", "text", "date", "text", "int2", "float8[]"], out.scores)
        run_sql(conn, "silver/stage_scores_from_wire.sql", {"staging_id": staging_id})

    return write


def store(game: str, out: Output, partition: str, models: list[str], *,
          skip_checks: bool = False) -> dict:
    """Stage `out`, gate it, publish it (replacing these models' rows for these targets)."""
    staging_id = str(uuid.uuid4())
    targets = sorted(set(out.predictions["target_draw_date"]))
    wap = Wap("silver", game, "predictions", "silver.predictions",
              "silver/publish_predictions.sql", staging_id)
    with connect() as conn:
        wap.stage(conn, _writer(out, staging_id, game, models, targets),
                  analyze="silver/analyze_staged_predictions.sql")
        wap.gate(conn, partition, skip=skip_checks)
        published = wap.publish(
            conn, {"game": game, "staging_id": staging_id, "models": models},
            expected=(len(out.runs), len(out.predictions), out.score_rows), what="predictions",
            cleared_by="a concurrent run of the same models and dates")
    replaced, _ = published["deleted"][0].fetchone()
    counts = {"replaced_predictions": replaced,
              "dropped_model_runs": published["orphans_dropped"][0].rowcount}
    timings = wap.rounded_timings()
    log.info("predictions %s: %s", partition, timings)
    return {"staging_id": staging_id, "model_runs": len(out.runs),
            "predictions": len(out.predictions), "scores": out.score_rows, **counts, **timings}
