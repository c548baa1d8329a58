"""Certify one layer after its step: the gate that guarded its publish passed (and, with
recheck=True, what is now published passes again where the quality layer has a published check).

The re-check is off by default: the gate already validated exactly the rows that were published,
in the same transaction's snapshot, and a re-check costs a Great Expectations import (~6 s) per
task; `python -m pipeline check <stage>` re-validates published rows on demand.

This is what the DAG's check_<layer> tasks run (`python -m pipeline certify <stage> --game G`),
and only a certified layer gets its Airflow Asset event. A layer whose latest gate failed or was
skipped with --skip-checks fails certification (exit 3). A step that had nothing new to write
(an incremental rebuild with no new draw) runs no gate: the layer did not change in this run, so
the result says `"certified": false` (the DAG task is then skipped: no Asset event).
"""

from __future__ import annotations

import datetime as dt
import logging

from pipeline.db import connect, run_sql
from pipeline.errors import PipelineError
from pipeline.quality.results import CheckResult, GateFailedError

log = logging.getLogger(__name__)


def _latest_gate(stage: str, game: str, since: dt.datetime | None):
    with connect() as conn:
        return run_sql(conn, "orchestration/latest_gate_run.sql",
                       {"stage": stage, "game": game, "since": since}).fetchone()


def _recheck_published(stage: str, game: str) -> dict:
    from pipeline.quality.gate import run_published_check

    with connect() as conn:
        results = run_published_check(conn, stage, game, "published")
    return {"expectations": len(results),
            "warnings": [r.expectation for r in results if not r.success]}


def certify(stage: str, game: str, since: dt.datetime | None = None, *,
            recheck: bool = False) -> dict:
    row = _latest_gate(stage, game, since)
    if row is None:
        before = _latest_gate(stage, game, None) if since else None
        if before is None:
            raise PipelineError(f"no {stage} gate was ever recorded for {game}: "
                                "nothing was published through a gate, nothing to certify")
        return {"stage": stage, "game": game, "certified": False,
                "reason": f"no {stage} gate since {since.isoformat()}: the step wrote nothing "
                          f"new; the layer is as its last gate ({before[1].isoformat()}) left it",
                "published_check": _recheck_published(stage, game) if recheck else None}
    gate_run_id, checked_at, partition, expectations, failures, skipped = row
    if skipped:
        raise GateFailedError(stage, game, partition, [CheckResult(
            "gate_not_skipped", False, observed_value="published with --skip-checks")])
    if failures:
        raise GateFailedError(stage, game, partition, [CheckResult(
            "latest_gate_passed", False, observed_value=f"gate run {gate_run_id}",
            unexpected_count=failures)])
    return {"stage": stage, "game": game, "certified": True, "gate_run_id": str(gate_run_id),
            "gate_checked_at": checked_at.isoformat(), "gate_partition": partition,
            "gate_expectations": expectations,
            "published_check": _recheck_published(stage, game) if recheck else None}
