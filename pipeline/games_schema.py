"""The games file's schema: every key, its type and the bounds a real 5+1 game needs.

One table per level (file, game, era, schedule); `check` walks a parsed TOML document against
it and raises SchemaError naming the first key that does not fit. Unknown keys are refused too
(a typo such as `white_mx` would otherwise silently take a default). Bounds are what a lottery
can be, not what a machine can hold: numbers up to 99 (a white_max of 10^8 once asked the
feature builder for a 175 GiB array), at most 100 eras, dates within 1900-2100.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
GAME_ID = re.compile(r"[a-z][a-z0-9_]{0,39}", re.ASCII)  # also the --game option's rule
_MISSING = object()


class SchemaError(ValueError):
    """A value that does not fit; `path` is where (e.g. 'eras[2].special_max')."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path, self.problem = path, problem


def show(value) -> str:
    """A short one-line repr of a bad value for an error line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Int:
    lo: int
    hi: int
    why: str = ""

    def check(self, value, path):
        if type(value) is not int or not self.lo <= value <= self.hi:
            span = f"{self.lo}" if self.lo == self.hi else f"from {self.lo} to {self.hi}"
            raise SchemaError(path, f"must be an integer {span}{self.why}, got {show(value)}")
        return value


@dataclass(frozen=True)
class Number:
    lo: float
    hi: float

    def check(self, value, path):
        if (type(value) not in (int, float) or not math.isfinite(value)
                or not self.lo <= value <= self.hi):
            raise SchemaError(path, f"must be a number from {self.lo:g} to {self.hi:g}, "
                                    f"got {show(value)}")
        return value


@dataclass(frozen=True)
class Text:
    pattern: str  # the whole value must match (ASCII classes)
    what: str

    def check(self, value, path):
        if type(value) is not str or not re.fullmatch(self.pattern, value, re.ASCII):
            raise SchemaError(path, f"must be {self.what}, got {show(value)}")
        return value


@dataclass(frozen=True)
class OneOf:
    choices: tuple

    def check(self, value, path):
        if type(value) is not str or value not in self.choices:
            raise SchemaError(path, f"must be one of {', '.join(self.choices)}, got {show(value)}")
        return value


@dataclass(frozen=True)
class Date:
    lo: dt.date = dt.date(1900, 1, 1)
    hi: dt.date = dt.date(2100, 12, 31)

    def check(self, value, path):
        day = value if type(value) is dt.date else None  # a TOML date-time is not a date
        if type(value) is str and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                day = None
        if day is None or not self.lo <= day <= self.hi:
            raise SchemaError(path, f"must be a date (YYYY-MM-DD) from {self.lo} to {self.hi}, "
                                    f"got {show(value)}")
        return day


@dataclass(frozen=True)
class Prize:
    """A fixed prize in USD, or the word 'jackpot' for a pari-mutuel tier."""

    def check(self, value, path):
        if value == "jackpot" and type(value) is str:
            return value
        try:
            return Number(0, 1e10).check(value, path)
        except SchemaError:
            raise SchemaError(path, f"must be a number of USD or 'jackpot', "
                                    f"got {show(value)}") from None


@dataclass(frozen=True)
class ListOf:
    item: object
    lo: int
    hi: int
    unique: bool = False

    def check(self, value, path):
        if type(value) is not list or not self.lo <= len(value) <= self.hi:
            raise SchemaError(path, f"must be a list of {self.lo} to {self.hi} entries, "
                                    f"got {show(value)}")
        out = [self.item.check(v, f"{path}[{i + 1}]") for i, v in enumerate(value)]
        if self.unique and len(set(out)) != len(out):
            raise SchemaError(path, f"has repeated entries: {show(value)}")
        return out


@dataclass(frozen=True)
class MapOf:
    key: Text
    value: object
    lo: int
    hi: int

    def check(self, value, path):
        if type(value) is not dict or not self.lo <= len(value) <= self.hi:
            raise SchemaError(path, f"must be a table of {self.lo} to {self.hi} entries, "
                                    f"got {show(value)}")
        for k in value:
            self.key.check(k, f"{path} key {show(k)}")
        return {k: self.value.check(v, f"{path}.{k}" if path else k) for k, v in value.items()}


@dataclass(frozen=True)
class Table:
    """Named keys: (spec, default); a default of _MISSING makes the key required."""

    fields: dict = field(default_factory=dict)

    def check(self, value, path):
        if type(value) is not dict:
            raise SchemaError(path, f"must be a table, got {show(value)}")
        unknown = sorted(set(value) - set(self.fields), key=str)
        if unknown:
            raise SchemaError(path, f"unknown key {show(unknown[0])} (known: "
                                    f"{', '.join(self.fields)})")
        # Keys present are checked first (in the file's order): a wrong value is the news,
        # more than a key missing after it.
        out = {key: self.fields[key][0].check(v, f"{path}.{key}" if path else key)
               for key, v in value.items()}
        for key, (_, default) in self.fields.items():
            if key not in out:
                if default is _MISSING:
                    raise SchemaError(f"{path}.{key}" if path else key, "is required")
                out[key] = default
        return out


ERA = Table({
    "from": (Date(), _MISSING),
    "white_max": (Int(5, 99), _MISSING),
    "special_max": (Int(1, 99), _MISSING),
    "white_min": (Int(0, 1), 1),
    "special_min": (Int(0, 99), 1),
    "multipliers": (ListOf(Int(1, 100), 0, 20, unique=True), []),
    "ticket_price_usd": (Number(0.01, 1000), None),
    "prizes": (MapOf(Text(r"[0-5]\+[01]", "a tier like '5+1'"), Prize(), 0, 12), {}),
})
SCHEDULE = Table({
    "from": (Date(), _MISSING),
    "weekdays": (ListOf(OneOf(WEEKDAYS), 1, 7, unique=True), _MISSING),
})
GAME = Table({
    "display_name": (Text(r"[^\x00-\x1f\x7f]{1,80}", "1-80 printable characters"), None),
    "special_name": (Text(r"[a-z][a-z0-9_]{0,39}", "a lower-case column name"), "special_ball"),
    "timezone": (Text(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}", "an IANA time zone"),
                 "UTC"),
    "draw_time": (Text(r"([01][0-9]|2[0-3]):[0-5][0-9]", "HH:MM (24 h)"), "23:00"),
    "source_url": (Text(r"https?://[!-~]{1,2000}", "an http(s) URL"), None),
    "white_count": (Int(5, 5, " (only 5+1 games are supported)"), 5),
    "schedule": (ListOf(SCHEDULE, 1, 50), _MISSING),
    "eras": (ListOf(ERA, 1, 100), _MISSING),
})
FILE = Table({
    "games": (MapOf(Text(GAME_ID.pattern, "a game id (lower-case letters, digits, _)"),
                    GAME, 1, 1000), _MISSING),
})
