"""Every `PIPELINE_*` environment variable, read in one place into one typed, checked object.

`settings()` reads os.environ on every call (tests, and in-process CLI calls given an env,
change it between calls); the parse is cached per distinct set of raw values, so a call costs
~17 dict lookups.
All variables are checked together: one bad value fails whatever step first asks for a
setting, as one ConfigError line naming the variable and its value, before that step writes.
The field of variable PIPELINE_X is `x`; docs/operations.md's table lists them all.

Imports nothing from the rest of the package but errors: every module may import it.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ConfigError

PREFIX = "PIPELINE_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_TIMEOUT_S = 7 * 86400.0  # a week: anything longer is a typo for "forever"
MAX_FAULT_SLEEP_S = 2.0
MAX_QUARANTINE_ROWS = 999_999_999
_SHOWN = 40  # characters of a bad value quoted in its error line


@dataclass(frozen=True)
class Settings:
    """The parsed settings; the defaults are what an unset (or empty) variable means."""

    # Warehouse libpq URL or conninfo; None: an embedded server (pgserver) started on first use.
    # Out of repr: a logged Settings must not carry the password.
    database_url: str | None = field(default=None, repr=False)
    # Longest wait for one lock, seconds, in (0, MAX_TIMEOUT_S].
    lock_timeout_s: float = 120.0
    # Longest single statement (and a whole pg_dump), seconds, in (0, MAX_TIMEOUT_S].
    statement_timeout_s: float = 3600.0
    # The games file (rules as data), checked by games_schema before any step runs.
    games_file: str = str(Path(__file__).with_name("games.toml"))
    # The SQL files the code runs (migrations included).
    sql_dir: Path = PROJECT_ROOT / "sql"
    # Local state: the embedded database and Airflow's local metadata.
    state_dir: Path = PROJECT_ROOT / ".drawpipe"
    # Shipped source exports.
    data_dir: Path = PROJECT_ROOT / "data"
    # The embedded server's data folder; unset: <state_dir>/pgdata.
    embedded_dir: Path = PROJECT_ROOT / ".drawpipe" / "pgdata"
    # Largest source accepted, bytes, > 0 (a century of a daily game is ~2.5 MB).
    source_max_bytes: int = 8 * 1024 * 1024
    # Attempts per HTTP source, >= 1 (a fraction is truncated; below 1 means 1).
    http_attempts: int = 4
    # Deadline of one whole HTTP attempt (connect, headers, body), seconds, > 0.
    http_timeout_s: float = 30.0
    # Backoff before the first retry, seconds, >= 0; doubled at each retry.
    http_backoff_s: float = 0.5
    # Largest quarantined fraction of a batch the bronze gate passes, in [0, 1].
    max_quarantine_rate: float = 0.01
    # Quarantine rows stored per batch, 0..MAX_QUARANTINE_ROWS (the rest are only counted).
    quarantine_max_rows: int = 10_000
    # Directory of pg_dump/pg_restore tried first; None: by server version, then PATH.
    pg_bin: Path | None = None
    # Recorded in ops.runs and model runs (set in images); None: the checkout's git commit.
    code_version: str | None = None
    # Tests only: seconds each fault point sleeps, clamped to [0, MAX_FAULT_SLEEP_S]; None:
    # fault points do nothing. A value that is not a number is ignored, never fatal: a stray
    # test variable must not break a production run.
    fault_sleep_in_publish: float | None = None


def env_name(field_name: str) -> str:
    return PREFIX + field_name.upper()


VARIABLES = tuple(env_name(f.name) for f in fields(Settings))
# Read raw by secret_urls(), whose callers must never fail.
URL_VARIABLES = (env_name("database_url"),)


def settings() -> Settings:
    """The current settings; ConfigError (one line) if any variable has a bad value."""
    return _parse(tuple(os.environ.get(name) for name in VARIABLES))


def secret_urls() -> list[str]:
    """The raw connection strings of the URL variables, unchecked and never raising: log
    redaction needs their passwords even while the error line of another bad setting is
    being printed."""
    return [url for name in URL_VARIABLES if (url := os.environ.get(name))]


def _bad(name: str, raw: str, what: str) -> ConfigError:
    return ConfigError(f"{name}={raw[:_SHOWN]!r} is not {what}")


def _number(what: str, *, low: float = 0.0, low_ok: bool = False, high: float = math.inf):
    """A parser of a finite number above `low` (or equal, if low_ok) and at most `high`."""

    def parse(name: str, raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            value = math.nan  # nan fails every comparison below: refused like any other
        if not ((low <= value if low_ok else low < value) and value <= high
                and value < math.inf):
            raise _bad(name, raw, what)
        return value

    return parse


def _timeout(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_TIMEOUT_S:  # 0 would mean "wait forever" to PostgreSQL
        raise ConfigError(f"{name} must be a number of seconds above 0 and at most "
                          f"{MAX_TIMEOUT_S:.0f}, got {raw.strip()[:_SHOWN]!r}")
    return value


def _rows(name: str, raw: str) -> int:
    raw = raw.strip()
    # The length test first: int() of a 5000-digit string raises instead of comparing.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_QUARANTINE_ROWS))):
        raise _bad(name, raw, f"a whole number from 0 to {MAX_QUARANTINE_ROWS}")
    return int(raw)


def _fault_sleep(name: str, raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return None if math.isnan(value) else min(max(value, 0.0), MAX_FAULT_SLEEP_S)


def _text(name: str, raw: str) -> str:
    return raw


def _path(name: str, raw: str) -> Path:
    return Path(raw)


_bytes = _number("a number of bytes above 0")
_attempts = _number("a number of attempts above 0")

# One parser per field: (variable name, raw non-empty value) -> value, or ConfigError.
_PARSERS = {
    "database_url": _text,
    "lock_timeout_s": _timeout,
    "statement_timeout_s": _timeout,
    "games_file": _text,
    "sql_dir": _path,
    "state_dir": _path,
    "data_dir": _path,
    "embedded_dir": _path,
    "source_max_bytes": lambda name, raw: int(_bytes(name, raw)),
    "http_attempts": lambda name, raw: max(1, int(_attempts(name, raw))),
    "http_timeout_s": _number("a number of seconds above 0"),
    "http_backoff_s": _number("a number of seconds, 0 or more", low_ok=True),
    "max_quarantine_rate": _number("a fraction in [0, 1]", low_ok=True, high=1.0),
    "quarantine_max_rows": _rows,
    "pg_bin": _path,
    "code_version": _text,
    "fault_sleep_in_publish": _fault_sleep,
}


@lru_cache(maxsize=16)
def _parse(raw: tuple[str | None, ...]) -> Settings:
    # Empty counts as unset, as it always has: `PIPELINE_X= cmd` restores the default.
    got = {f.name: _PARSERS[f.name](name, value)
           for f, name, value in zip(fields(Settings), VARIABLES, raw, strict=True)
           if value}
    got.setdefault("embedded_dir", got.get("state_dir", Settings.state_dir) / "pgdata")
    return Settings(**got)
