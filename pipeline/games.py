"""Game definitions (rule eras, draw schedule, prize chart) loaded from a TOML file.

Game rules are data: nothing in the pipeline hard-codes a range, a weekday or a prize.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline import games_schema as schema
from pipeline.errors import ConfigError, GamesFileError
from pipeline.settings import settings

DEFAULT_GAMES_FILE = Path(__file__).with_name("games.toml")
WEEKDAYS = schema.WEEKDAYS
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


def by_date(days, starts: list[dt.date], values: list):
    """values[i] for the last start <= each day, None before the first start: a rule (era,
    schedule, range) of many dates at once (`days`: numpy datetime64[D])."""
    import numpy as np  # only the callers holding arrays pay for it

    idx = np.searchsorted(np.array(starts, dtype="datetime64[D]"), days, side="right") - 1
    table = np.array([*values, None], dtype=object)
    return table[np.where(idx >= 0, idx, len(values))]


MAX_FILE_BYTES = 1 << 20  # 1 MiB: hundreds of games; a bigger "games file" is a mistake


def _fail(origin: str, problem: str) -> GamesFileError:
    return GamesFileError(f"games file {origin}: {problem}")


def _schema_error(origin: str, exc: schema.SchemaError) -> GamesFileError:
    """'games.<id>.eras[2].special_max: ...' -> "game '<id>': eras[2].special_max: ..."."""
    parts = exc.path.split(".", 2)
    if parts[0] == "games" and len(parts) >= 2:
        where = f"game {parts[1]!r}" + (f": {parts[2]}" if len(parts) == 3 else "")
        return _fail(origin, f"{where}: {exc.problem}")
    return _fail(origin, str(exc))


def _build_game(game_id: str, raw: dict) -> Game:
    """A Game from a table the schema accepted, after the checks between keys."""
    try:
        ZoneInfo(raw["timezone"])
    except Exception:  # noqa: BLE001 - ZoneInfo raises several types for a bad name
        raise schema.SchemaError(f"games.{game_id}.timezone",
                                 f"unknown time zone {schema.show(raw['timezone'])}") from None
    for key in ("eras", "schedule"):
        starts = [entry["from"] for entry in raw[key]]
        if len(set(starts)) != len(starts):
            raise schema.SchemaError(f"games.{game_id}.{key}", "two entries have the same 'from'")
    for i, e in enumerate(raw["eras"]):
        if e["special_max"] < e["special_min"]:
            raise schema.SchemaError(
                f"games.{game_id}.eras[{i + 1}].special_max",
                f"{e['special_max']} is below special_min {e['special_min']}")
    raw_eras = sorted(raw["eras"], key=lambda e: e["from"])
    eras = tuple(
        Era(start=e["from"], end=raw_eras[i + 1]["from"] if i + 1 < len(raw_eras) else None,
            white_count=raw["white_count"], white_max=e["white_max"],
            special_max=e["special_max"], multipliers=tuple(e["multipliers"]),
            ticket_price_usd=e["ticket_price_usd"], prizes=dict(e["prizes"]),
            white_min=e["white_min"], special_min=e["special_min"])
        for i, e in enumerate(raw_eras))
    schedules = tuple(sorted((Schedule(s["from"], frozenset(WEEKDAYS.index(n)
                                                             for n in s["weekdays"]))
                              for s in raw["schedule"]), key=lambda s: s.start))
    return Game(id=game_id, display_name=raw["display_name"] or game_id,
                special_name=raw["special_name"], timezone=raw["timezone"],
                draw_time=raw["draw_time"], source_url=raw["source_url"], eras=eras,
                schedules=schedules)


def parse_games(data: bytes, origin: str = "<bytes>") -> dict[str, Game]:
    """Every game of a games file's bytes, or one GamesFileError line naming game and key."""
    if len(data) > MAX_FILE_BYTES:
        raise _fail(origin, f"is larger than {MAX_FILE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(origin, f"is not UTF-8 text (byte {exc.start})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(origin, f"is not valid TOML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise _fail(origin, "nests arrays or tables too deeply") from None
    try:
        games = schema.FILE.check(doc, "")["games"]
        return {gid: _build_game(gid, raw) for gid, raw in games.items()}
    except schema.SchemaError as exc:
        raise _schema_error(origin, exc) from None


@lru_cache(maxsize=8)
def _parse_file(path: str, mtime_ns: int, size: int) -> dict[str, Game]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or exc})") from None
    return parse_games(data, path)


def _load(path: str) -> dict[str, Game]:
    """The games of the file at `path`, parsed once per version of the file."""
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        if isinstance(exc, FileNotFoundError):
            raise GamesFileError(f"games file not found: {path}") from None
        raise _fail(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
        raise _fail(path, "is not a regular file")
    return _parse_file(path, st.st_mtime_ns, st.st_size)


def games_file() -> str:
    """PIPELINE_GAMES_FILE, else the shipped pipeline/games.toml (DEFAULT_GAMES_FILE)."""
    return settings().games_file


def load_games() -> dict[str, Game]:
    return _load(games_file())


def get_game(game_id: str) -> Game:
    games = load_games()
    if game_id not in games:
        raise ConfigError(f"unknown game {game_id!r}; known games: {', '.join(sorted(games))}")
    return games[game_id]
