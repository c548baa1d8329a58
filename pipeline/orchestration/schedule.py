"""When a game's nightly run happens, and which draw a run predicts.

Both follow from the game definition (draw weekdays, draw time, time zone): nothing here knows
a particular game.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pipeline.games import Game

# The nightly run starts this long after midnight following each draw night, local time: the NY
# portal has published the night's numbers by then. Not a game rule, an operating choice.
NIGHTLY_RUN_AT = dt.time(6, 0)


def nightly_cron(game: Game, today: dt.date | None = None) -> str:
    """A cron firing the morning after each draw day of the schedule in force `today`.

    Interpreted in the game's time zone (the DAG's timetable carries it).
    """
    today = today or dt.date.today()
    weekdays = game.draw_weekdays(today) or game.schedules[-1].weekdays
    # Python weekday: Monday 0; cron: Sunday 0. The morning after Python day w is cron (w + 2) % 7.
    days = ",".join(str(d) for d in sorted({(w + 2) % 7 for w in weekdays}))
    return f"{NIGHTLY_RUN_AT.minute} {NIGHTLY_RUN_AT.hour} * * {days}"


def target_draw_date(game: Game, logical: dt.datetime) -> dt.date:
    """The first scheduled draw after the run's logical date-time, in the game's time zone.

    A run is about its logical date, not about what the source happens to contain, so a rerun of
    the same logical date predicts the same draw. The nightly run's logical date is the morning
    after a draw night, so it predicts the next draw.
    """
    if logical.tzinfo is None:
        raise ValueError("logical date-time must be timezone-aware")
    local = logical.astimezone(ZoneInfo(game.timezone))
    draw_at = dt.time.fromisoformat(game.draw_time)
    day = local.date()
    if game.is_draw_day(day) and local.time() < draw_at:
        return day
    return game.next_draw_date(day)
