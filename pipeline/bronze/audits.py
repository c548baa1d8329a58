"""Bronze SQL audits: batch-level checks GX does badly (counts across tables, calendars).

Each audit is a query over the warehouse; its result is recorded like any expectation.
"""

from __future__ import annotations

from pipeline.db import run_sql
from pipeline.games import Game
from pipeline.quality.results import CheckResult
from pipeline.settings import settings

MISSING_DATES_SAMPLE = 50


def max_quarantine_rate() -> float:
    """PIPELINE_MAX_QUARANTINE_RATE (a fraction, 0-1), default 1%."""
    return settings().max_quarantine_rate


def batch_counts(conn, batch_id: str) -> list[CheckResult]:
    """Rows read, staged and quarantined: the batch is not empty and not mostly garbage."""
    row = run_sql(conn, "quality/bronze_batch_counts.sql", {"batch_id": batch_id}).fetchone()
    rows_read, staged, quarantined = row if row else (0, 0, 0)
    rate = quarantined / rows_read if rows_read else 0.0
    limit = max_quarantine_rate()
    return [
        CheckResult("batch_has_rows", rows_read > 0, observed_value={"rows_read": rows_read},
                    unexpected_count=0 if rows_read else 1),
        CheckResult("quarantine_rate_below_threshold", rate <= limit,
                    observed_value={"rate": round(rate, 6), "threshold": limit,
                                    "quarantined": quarantined, "rows_read": rows_read},
                    unexpected_count=quarantined,
                    unexpected_sample=_quarantine_sample(conn, batch_id) if rate > limit else []),
        CheckResult("every_row_staged_or_quarantined", staged + quarantined == rows_read,
                    observed_value={"staged": staged, "quarantined": quarantined,
                                    "rows_read": rows_read},
                    unexpected_count=abs(rows_read - staged - quarantined)),
    ]


def _quarantine_sample(conn, batch_id: str) -> list[dict]:
    rows = run_sql(conn, "quality/bronze_quarantine_sample.sql", {"batch_id": batch_id})
    return [{"line": line, "reason": reason, "raw": raw} for line, reason, raw in rows]


def missing_draw_dates(conn, game: Game, batch_id: str | None, *, date_from=None,
                       date_to=None) -> CheckResult:
    """A warning listing scheduled draw dates that neither bronze nor the batch holds."""
    sched_from, sched_to, sched_dow = [], [], []
    for i, schedule in enumerate(game.schedules):
        end = game.schedules[i + 1].start if i + 1 < len(game.schedules) else None
        for dow in sorted(schedule.weekdays):
            sched_from.append(schedule.start)
            sched_to.append(end)
            sched_dow.append(dow)
    rows = run_sql(conn, "quality/bronze_missing_draw_dates.sql", {
        "game": game.id, "batch_id": batch_id, "first_day": game.eras[0].start,
        "date_from": date_from, "date_to": date_to, "sched_from": sched_from,
        "sched_to": sched_to, "sched_dow": sched_dow}).fetchall()
    days = [r[0].isoformat() for r in rows]
    return CheckResult("scheduled_draw_dates_present", not days, "warn",
                       observed_value={"missing": len(days)}, unexpected_count=len(days),
                       unexpected_sample=days[:MISSING_DATES_SAMPLE])
