"""Write, audit, publish for predictions (pipeline/wap.py): staging, the predictions gate, one
publish transaction (sql/silver/publish_predictions.sql).

The per-number scores are staged as score lists (staging.prediction_scores: one row per model,
target and ball type, the probabilities of its numbers as one float8[]), binary COPY encoded by
numpy straight from the walk-forward's matrices; the publish expands them into
silver.prediction_scores, one row per number, in the table's key order. Staging one row per
number (~190 a draw) cost more to write, index, analyze, audit and delete than the publish.
"""

from __future__ import annotations

import logging
import uuid

import numpy as np

from pipeline import copy as pgcopy
from pipeline.db import connect, run_sql
from pipeline.silver.copy import copy_binary, copy_frame
from pipeline.silver.walkforward import Output, ScoreBlock
from pipeline.wap import Wap

log = logging.getLogger(__name__)
LIST_COLUMNS = ("model_name", "game", "target_draw_date", "ball_type", "first_number", "scores",
                "staging_id")
CHUNK_LISTS = 20_000  # score lists per COPY block (~16 MB of whites)


def score_list_blocks(blocks: list[ScoreBlock], staging_id: str):
    """Binary COPY tuples (LIST_COLUMNS) of every target's score list: one block per run of
    targets with the same number range (an era), so each block's arrays have one length."""
    sid = uuid.UUID(staging_id).bytes
    for b in blocks:
        ranges = b.first * (b.probs.shape[1] + 1) + b.last
        for key in np.unique(ranges).tolist():
            rows = np.flatnonzero(ranges == key)
            lo, hi = int(b.first[rows[0]]), int(b.last[rows[0]])
            for at in range(0, len(rows), CHUNK_LISTS):
                part = rows[at:at + CHUNK_LISTS]
                n = len(part)
                yield pgcopy.block([
                    pgcopy.same(b.model_name.encode(), n), pgcopy.same(b.game.encode(), n),
                    pgcopy.fixed(b.days[part], "date"), pgcopy.same(b.ball_type.encode(), n),
                    pgcopy.fixed(b.first[part], "int2"),
                    pgcopy.array(b.probs[part, lo:hi], "float8"), pgcopy.same(sid, n)])


def _writer(out: Output, staging_id: str, game: str, models: list[str], targets: list):
    def write(conn) -> None:
        run_sql(conn, "silver/unstage_predictions.sql",
                {"game": game, "models": models, "targets": targets})
        for table, frame in (("staging.model_runs", out.runs),
                             ("staging.predictions", out.predictions)):
            copy_frame(conn, table, frame.assign(staging_id=staging_id))
        copy_binary(conn, "staging.prediction_scores", LIST_COLUMNS,
                    score_list_blocks(out.score_blocks, staging_id))

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
        staged = {"params": {"game": game, "staging_id": staging_id, "models": models},
                  "expected": (len(out.runs), len(out.predictions), out.score_rows),
                  "what": "predictions",
                  "cleared_by": "a concurrent run of the same models and dates"}
        wap.gate(conn, partition, skip=skip_checks, cleared=staged)
        published = wap.publish(conn, **staged)
    replaced, _ = published["deleted"][0].fetchone()
    counts = {"replaced_predictions": replaced,
              "dropped_model_runs": published["orphans_dropped"][0].rowcount}
    timings = wap.rounded_timings()
    log.info("predictions %s: %s", partition, timings)
    return {"staging_id": staging_id, "model_runs": len(out.runs),
            "predictions": len(out.predictions), "scores": out.score_rows, **counts, **timings}
