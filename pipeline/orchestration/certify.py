"""Certify one layer after its step: the gate that guarded its publish passed, and what is now
published passes again where the quality layer has a check for published rows.

This is what the DAG's check_<layer> tasks run (`python -m pipeline certify <stage> --game G`),
and only a certified layer gets its Airflow Asset event. A layer is not certified when its
latest gate failed, was skipped with --skip-checks, or is older than this run.
"""

from __future__ import annotations

import datetime as dt
import logging

from pipeline.db import connect, run_sql
from pipeline.errors import PipelineError
from pipeline.quality.results import CheckResult, GateFailedError

log = logging.getLogger(__name__)


def _published_check(stage: str):
    """The quality layer's check of published rows for `stage`, or None if it has none yet."""
    from pipeline.quality.gate import published_check

    try:
        return published_check(stage)
    except PipelineError as exc:
        log.info("%s", exc)
        return None


def certify(stage: str, game: str, since: dt.datetime | None = None) -> dict:
    with connect() as conn:
        row = run_sql(conn, "orchestration/latest_gate_run.sql",
                      {"stage": stage, "game": game, "since": since}).fetchone()
    if row is None:
        raise PipelineError(f"no {stage} gate recorded for {game}"
                            + (f" since {since.isoformat()}" if since else "")
                            + ": the step did not run its gate, nothing to certify")
    gate_run_id, checked_at, partition, expectations, failures, skipped = row
    if skipped:
        raise GateFailedError(stage, game, partition, [CheckResult(
            "gate_not_skipped", False, observed_value="published with --skip-checks")])
    if failures:
        raise GateFailedError(stage, game, partition, [CheckResult(
            "latest_gate_passed", False, observed_value=f"gate run {gate_run_id}",
            unexpected_count=failures)])
    result = {"stage": stage, "game": game, "gate_run_id": str(gate_run_id),
              "gate_checked_at": checked_at.isoformat(), "gate_partition": partition,
              "gate_expectations": expectations, "published_check": None}
    check = _published_check(stage)
    if check is not None:
        from pipeline.quality.gate import run_published_check

        with connect() as conn:
            results = run_published_check(conn, stage, game, "published")
        result["published_check"] = {"expectations": len(results),
                                     "warnings": [r.expectation for r in results
                                                  if not r.success]}
    return result
