"""Run one stage's gate over its staged rows, record every expectation, fail on errors."""

from __future__ import annotations

import logging
import time
import uuid

from pipeline.db import connect
from pipeline.quality.results import CheckResult, GateFailedError, record

log = logging.getLogger(__name__)
STAGES = ("bronze", "features", "predictions", "gold")


def _suite(stage: str):
    # Imported on use: a suite may pull in Great Expectations (3 s to import).
    if stage == "bronze":
        from pipeline.quality.bronze_suite import check
    elif stage == "features":
        from pipeline.quality.features_suite import check
    elif stage == "predictions":
        from pipeline.quality.predictions_suite import check
    elif stage == "gold":
        from pipeline.quality.gold_suite import check
    else:
        raise ValueError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
    return check


def run_gate(conn, stage: str, game: str, partition: str, staging_id: str | None, *,
             skip: bool = False) -> list[CheckResult]:
    """Validate what `staging_id` staged for (stage, game); raise GateFailedError on errors.

    `conn` sees the staged rows; results are recorded on a separate autocommit connection so
    they survive the rollback of a failed publish. With skip=True nothing is checked and one
    row records that the gate was skipped.
    """
    gate_run_id = uuid.uuid4()
    started = time.perf_counter()
    if skip:
        results = [CheckResult("gate_skipped_by_operator", True, "warn", "--skip-checks")]
    else:
        results = _suite(stage)(conn, game, staging_id)
    with connect(autocommit=True) as log_conn:
        record(log_conn, gate_run_id, stage, game, partition, results, skipped=skip)
    failures = [r for r in results if r.blocking]
    for r in results:
        if not r.success and r.severity == "warn":
            log.warning("%s gate warning: %s (observed %s)", stage, r.expectation, r.observed_value)
    log.info("%s gate: %d expectations, %d failed, %.3fs", stage, len(results), len(failures),
             time.perf_counter() - started)
    if failures:
        raise GateFailedError(stage, game, partition, failures)
    return results
