"""How fresh bronze is against a game's draw schedule: the scheduled draws it does not hold yet.

"Scheduled" comes from the game file's schedule (pipeline/games.toml), so a draw the lottery
skipped counts as missing here too; the count says how far behind the data may be, never how
many rows are wrong. Today is taken in the game's time zone, and today's draw is not counted as
missing (its result comes after the draw time, late in the evening).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pipeline.games import Game


def missing_draws(game: Game, latest: dt.date, before: dt.date) -> list[dt.date]:
    """Scheduled draw dates strictly after `latest` and strictly before `before`."""
    if before <= latest + dt.timedelta(days=1):
        return []
    return game.draw_dates(latest + dt.timedelta(days=1), before - dt.timedelta(days=1))


def game_today(game: Game) -> dt.date:
    return dt.datetime.now(ZoneInfo(game.timezone)).date()


@dataclass(frozen=True)
class Freshness:
    latest_draw: dt.date | None
    n_draws: int
    today: dt.date
    missing: list[dt.date]  # scheduled draws after latest_draw and before today
    next_draw: dt.date  # the first scheduled draw on or after today not in bronze

    @property
    def stale(self) -> bool:
        return bool(self.missing)

    def as_dict(self) -> dict:
        return {"latest_draw": self.latest_draw, "draws_in_bronze": self.n_draws,
                "today": self.today, "missing_draws": len(self.missing),
                "first_missing_draw": self.missing[0] if self.missing else None,
                "stale": self.stale, "next_draw": self.next_draw}

    def sentence(self) -> str:
        if self.latest_draw is None:
            return "no draws in bronze"
        if not self.missing:
            return f"up to date (latest draw {self.latest_draw})"
        return (f"{len(self.missing)} scheduled draw{'s' if len(self.missing) != 1 else ''} "
                f"missing after the latest draw, {self.latest_draw} (first {self.missing[0]})")


def freshness(conn, game: Game, today: dt.date | None = None) -> Freshness:
    from pipeline.db import run_sql

    latest, n = run_sql(conn, "show/latest_draw.sql", {"game": game.id}).fetchone()
    today = today or game_today(game)
    start = today if latest is None or latest < today else latest + dt.timedelta(days=1)
    next_draw = start if game.is_draw_day(start) else game.next_draw_date(start)
    missing = missing_draws(game, latest, today) if latest is not None else []
    return Freshness(latest, int(n), today, missing, next_draw)
