"""Evaluation windows, anchored on the latest draw of the game known to bronze."""

from __future__ import annotations

import datetime as dt

WINDOWS = ("all_time", "last_52_weeks", "last_100_draws")


def window_bounds(draw_dates: list[dt.date]) -> dict[str, tuple[dt.date | None, dt.date]]:
    """{window_name: (first draw date included or None for no bound, anchor)}.

    The anchor is the game's latest draw in bronze (not today), so a window means the same
    thing whatever day evaluate runs: last_52_weeks holds draws in the 364 days ending on the
    anchor, last_100_draws the game's 100 latest draws (whether or not a model predicted them).
    """
    if not draw_dates:
        return {}
    dates = sorted(draw_dates)
    anchor = dates[-1]
    return {
        "all_time": (None, anchor),
        "last_52_weeks": (anchor - dt.timedelta(days=7 * 52 - 1), anchor),
        "last_100_draws": (dates[-100] if len(dates) >= 100 else dates[0], anchor),
    }
