"""Game definitions (rule eras, draw schedule, prize chart) loaded from a TOML file.

Game rules are data: nothing in the pipeline hard-codes a range, a weekday or a prize.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ConfigError

DEFAULT_GAMES_FILE = Path(__file__).with_name("games.toml")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
JACKPOT = "jackpot"


@dataclass(frozen=True)
class Era:
    """One period of fixed rules; `name` is its first day, ISO formatted."""

    start: dt.date
    end: dt.date | None  # exclusive: the next era's start
    white_count: int
    white_max: int
    special_max: int
    multipliers: tuple[int, ...]
    ticket_price_usd: float | None = None
    prizes: dict[str, float | str] = field(default_factory=dict)
    white_min: int = 1
    special_min: int = 1

    @property
    def name(self) -> str:
        return self.start.isoformat()

    def contains(self, day: dt.date) -> bool:
        return day >= self.start and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Schedule:
    start: dt.date
    weekdays: frozenset[int]  # Monday == 0


@dataclass(frozen=True)
class Game:
    id: str
    display_name: str
    special_name: str
    timezone: str
    draw_time: str
    source_url: str | None
    eras: tuple[Era, ...]
    schedules: tuple[Schedule, ...]

    def era_for(self, day: dt.date) -> Era | None:
        for era in reversed(self.eras):
            if day >= era.start:
                return era
        return None

    def era_named(self, name: str) -> Era:
        for era in self.eras:
            if era.name == name:
                return era
        raise ConfigError(f"game {self.id!r} has no era {name!r}")

    def draw_weekdays(self, day: dt.date) -> frozenset[int]:
        for schedule in reversed(self.schedules):
            if day >= schedule.start:
                return schedule.weekdays
        return frozenset()

    def is_draw_day(self, day: dt.date) -> bool:
        return day.weekday() in self.draw_weekdays(day)

    def draw_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Scheduled draw dates in [start, end], from the game's schedule."""
        days, day = [], start
        while day <= end:
            if self.era_for(day) is not None and self.is_draw_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def next_draw_date(self, after: dt.date) -> dt.date:
        day = after + dt.timedelta(days=1)
        for _ in range(14):
            if self.is_draw_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ConfigError(f"game {self.id!r} has no draw day in the two weeks after {after}")


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {value!r} is not an ISO date") from exc


def _int(table: dict, key: str, where: str, default=None) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{where}: {key} must be a non-negative integer, got {value!r}")
    return value


def _parse_game(game_id: str, raw: dict) -> Game:
    where = f"game {game_id!r}"
    if not game_id.replace("_", "").isalnum() or not game_id.islower():
        raise ConfigError(f"{where}: ids are lower-case letters, digits and underscores")
    white_count = _int(raw, "white_count", where, 5)
    if white_count != 5:
        raise ConfigError(f"{where}: only 5+1 games are supported (white_count = {white_count})")
    raw_eras = sorted(raw.get("eras") or [], key=lambda e: _date(e.get("from"), where))
    if not raw_eras:
        raise ConfigError(f"{where}: needs at least one [[eras]] entry")
    eras = []
    for i, e in enumerate(raw_eras):
        ewhere = f"{where} era {i + 1}"
        start = _date(e.get("from"), ewhere)
        end = _date(raw_eras[i + 1]["from"], ewhere) if i + 1 < len(raw_eras) else None
        white_max, special_max = _int(e, "white_max", ewhere), _int(e, "special_max", ewhere)
        if white_max < white_count:
            raise ConfigError(f"{ewhere}: white_max {white_max} is below white_count")
        prizes = dict(e.get("prizes") or {})
        for tier, prize in prizes.items():
            if prize != JACKPOT and not isinstance(prize, int | float):
                raise ConfigError(f"{ewhere}: prize for {tier!r} must be a number or 'jackpot'")
        eras.append(Era(
            start=start, end=end, white_count=white_count, white_max=white_max,
            special_max=special_max,
            multipliers=tuple(int(m) for m in e.get("multipliers") or ()),
            ticket_price_usd=e.get("ticket_price_usd"), prizes=prizes,
        ))
    schedules = []
    for s in raw.get("schedule") or []:
        names = s.get("weekdays") or []
        unknown = [n for n in names if n not in WEEKDAYS]
        if unknown or not names:
            raise ConfigError(f"{where}: schedule weekdays must be among {WEEKDAYS}, got {names}")
        schedules.append(Schedule(_date(s.get("from"), where),
                                  frozenset(WEEKDAYS.index(n) for n in names)))
    if not schedules:
        raise ConfigError(f"{where}: needs at least one [[schedule]] entry")
    return Game(
        id=game_id, display_name=raw.get("display_name", game_id),
        special_name=raw.get("special_name", "special_ball"),
        timezone=raw.get("timezone", "UTC"), draw_time=raw.get("draw_time", "23:00"),
        source_url=raw.get("source_url"), eras=tuple(eras),
        schedules=tuple(sorted(schedules, key=lambda s: s.start)),
    )


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Game]:
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"games file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"games file {path} is not valid TOML: {exc}") from exc
    games = doc.get("games")
    if not isinstance(games, dict) or not games:
        raise ConfigError(f"games file {path} defines no [games.<id>] table")
    return {gid: _parse_game(gid, raw) for gid, raw in games.items()}


def games_file() -> str:
    return os.environ.get("PIPELINE_GAMES_FILE") or str(DEFAULT_GAMES_FILE)


def load_games() -> dict[str, Game]:
    return _load(games_file())


def get_game(game_id: str) -> Game:
    games = load_games()
    if game_id not in games:
        raise ConfigError(f"unknown game {game_id!r}; known games: {', '.join(sorted(games))}")
    return games[game_id]
