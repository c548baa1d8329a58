"""Bronze gate: the staged batch against its game's rule eras and batch-level thresholds."""

from __future__ import annotations

import os

from pipeline.db import run_sql
from pipeline.games import get_game
from pipeline.quality.results import CheckResult

DEFAULT_MAX_QUARANTINE_RATE = 0.01


def max_quarantine_rate() -> float:
    return float(os.environ.get("PIPELINE_MAX_QUARANTINE_RATE", DEFAULT_MAX_QUARANTINE_RATE))


def check(conn, game_id: str, batch_id: str) -> list[CheckResult]:
    game = get_game(game_id)
    rows_read, staged, quarantined = run_sql(
        conn, "quality/bronze_batch_counts.sql", {"batch_id": batch_id}).fetchone()
    rate = quarantined / rows_read if rows_read else 0.0
    limit = max_quarantine_rate()
    results = [
        CheckResult("batch_has_rows", rows_read > 0, observed_value=rows_read,
                    unexpected_count=0 if rows_read else 1),
        CheckResult("quarantine_rate_below_threshold", rate <= limit,
                    observed_value={"rate": round(rate, 6), "threshold": limit,
                                    "quarantined": quarantined, "rows_read": rows_read},
                    unexpected_count=quarantined),
        CheckResult("every_row_staged_or_quarantined", staged + quarantined == rows_read,
                    observed_value={"staged": staged, "quarantined": quarantined,
                                    "rows_read": rows_read}),
    ]
    rows = run_sql(conn, "quality/bronze_staged_rows.sql", {"batch_id": batch_id}).fetchall()
    bad: dict[str, list] = {k: [] for k in (
        "draw_date_unique", "whites_distinct_ascending", "whites_in_era_range",
        "special_in_era_range", "multiplier_allowed", "draw_date_is_draw_day")}
    seen = set()
    for line, _g, day, *rest in rows:
        whites, special, mult, era_name = rest[:5], rest[5], rest[6], rest[7]
        era = game.era_for(day)
        sample = {"line": line, "draw_date": day, "whites": whites, "special": special}
        if day in seen:
            bad["draw_date_unique"].append(sample)
        seen.add(day)
        if any(a >= b for a, b in zip(whites, whites[1:], strict=False)):
            bad["whites_distinct_ascending"].append(sample)
        if era is None or era.name != era_name or not all(
                era.white_min <= w <= era.white_max for w in whites):
            bad["whites_in_era_range"].append(sample)
        if era is None or not era.special_min <= special <= era.special_max:
            bad["special_in_era_range"].append(sample)
        if mult is not None and (era is None or mult not in era.multipliers):
            bad["multiplier_allowed"].append(sample)
        if not game.is_draw_day(day):
            bad["draw_date_is_draw_day"].append(sample)
    for name, violations in bad.items():
        results.append(CheckResult(name, not violations, observed_value=len(rows),
                                   unexpected_count=len(violations),
                                   unexpected_sample=violations[:5]))
    return results
