"""Run one stage's gate over its staged rows, record every expectation, fail on errors."""

from __future__ import annotations

import importlib
import logging
import time
import uuid

from pipeline.db import connect
from pipeline.quality.results import CheckResult, GateFailedError, record

log = logging.getLogger(__name__)
# Each layer owns its suite; the kernel finds it by name and imports it on use, so quality
# imports no layer (layers import quality) and a step that never validates never pays for a
# suite that pulls in Great Expectations (3 s to import).
SUITES = {"bronze": "pipeline.bronze.suite", "features": "pipeline.silver.features_suite",
          "predictions": "pipeline.silver.predictions_suite", "gold": "pipeline.gold.suite"}
STAGES = tuple(SUITES)


def _suite_module(stage: str):
    if stage not in SUITES:
        raise ValueError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
    return importlib.import_module(SUITES[stage])


def _suite(stage: str):
    return _suite_module(stage).check


def published_check(stage: str):
    """The suite's `check_published(conn, game, partition)`: the gate against published rows."""
    return _suite_module(stage).check_published


def run_gate(conn, stage: str, game: str, partition: str, staging_id: str | None, *,
             skip: bool = False) -> list[CheckResult]:
    """Validate what `staging_id` staged for (stage, game); raise GateFailedError on errors.

    `conn` sees the staged rows; results are recorded on a separate autocommit connection so
    they survive the rollback of a failed publish. With skip=True nothing is checked and one
    row records that the gate was skipped.
    """
    started = time.perf_counter()
    if skip:
        results = [CheckResult("gate_skipped_by_operator", True, "warn", "--skip-checks")]
    else:
        results = _suite(stage)(conn, game, staging_id)
    return settle(stage, game, partition, results, started, skipped=skip)


def run_published_check(conn, stage: str, game: str, partition: str) -> list[CheckResult]:
    """`check <stage>` on demand: the suite against what is published, recorded the same way."""
    started = time.perf_counter()
    results = published_check(stage)(conn, game, partition)
    return settle(stage, game, partition, results, started)


def settle(stage: str, game: str, partition: str, results: list[CheckResult], started: float,
           *, skipped: bool = False) -> list[CheckResult]:
    """Record `results` in ops.dq_results, log warnings, raise GateFailedError on errors."""
    with connect(autocommit=True) as log_conn:
        record(log_conn, uuid.uuid4(), stage, game, partition, results, skipped=skipped)
    failures = [r for r in results if r.blocking]
    for r in results:
        if not r.success and r.severity == "warn":
            log.warning("%s gate warning: %s (observed %s, e.g. %s)", stage, r.expectation,
                        r.observed_value, r.unexpected_sample[:10])
    log.info("%s gate: %d expectations, %d failed, %.3fs", stage, len(results), len(failures),
             time.perf_counter() - started)
    if failures:
        raise GateFailedError(stage, game, partition, failures)
    return results
