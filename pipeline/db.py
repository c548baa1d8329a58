"""Warehouse connections, SQL files and advisory locks (psycopg 3)."""

from __future__ import annotations

import zlib
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import psycopg
from psycopg import sql

from pipeline.errors import DatabaseError, LockTimeoutError
from pipeline.paths import sql_dir
from pipeline.redact import redact
from pipeline.settings import env_name, settings

_url_cache: dict[str, str] = {}

# Every session of every step gets these (as libpq `options`), so no wait is unbounded: a
# login holding a lock (any role can take an advisory lock) fails a step after lock_timeout
# instead of stalling it forever. lock_timeout bounds each wait for a lock, including
# pg_advisory_lock / pg_advisory_xact_lock; statement_timeout is a generous ceiling per statement.
LOCK_TIMEOUT_ENV = env_name("lock_timeout_s")
STATEMENT_TIMEOUT_ENV = env_name("statement_timeout_s")
CONNECT_TIMEOUT_S = 30  # libpq's default is to wait forever for an unanswering host


def database_url() -> str:
    """PIPELINE_DATABASE_URL, or an embedded server started on first use."""
    url = settings().database_url
    if url:
        return url
    if "embedded" not in _url_cache:
        from pipeline.embedded import embedded_url

        _url_cache["embedded"] = embedded_url()
    return _url_cache["embedded"]


def lock_timeout_s() -> float:
    return settings().lock_timeout_s


def statement_timeout_s() -> float:
    return settings().statement_timeout_s


def session_params(url: str, application_name: str = "drawpipe") -> dict:
    """The URL's libpq parameters plus the pipeline's timeouts (for any driver taking them).

    The URL's own `options` are kept; the timeouts come last, so they win.
    """
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(url)
    except psycopg.Error as exc:  # libpq's text may quote the password: redacted
        raise DatabaseError("the database URL cannot be parsed: "
                            f"{redact(str(exc).strip().splitlines()[0])}") from None
    timeouts = (f"-c lock_timeout={round(lock_timeout_s() * 1000)}"
                f" -c statement_timeout={round(statement_timeout_s() * 1000)}")
    params["options"] = f"{params.get('options') or ''} {timeouts}".strip()
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
    params["application_name"] = application_name
    return params


def connect(url: str | None = None, *, autocommit: bool = False) -> psycopg.Connection:
    return psycopg.connect(autocommit=autocommit, **session_params(url or database_url()))


@contextmanager
def transaction(url: str | None = None):
    """One connection, one transaction: committed on success, rolled back on any error."""
    with connect(url) as conn:
        with conn.transaction():
            yield conn


@lru_cache(maxsize=256)
def load_sql(relative: str) -> str:
    """The text of sql/<relative>; SQL lives in files, one purpose each."""
    path = sql_dir() / relative
    return Path(path).read_text()


def run_sql(conn: psycopg.Connection, relative: str, params: dict | tuple | None = None):
    return conn.execute(load_sql(relative), params)


def lock_key(*parts: str) -> int:
    """A stable signed 64-bit key for pg_advisory_xact_lock from a name like ('bronze', game)."""
    text = "\x1f".join(parts).encode()
    hi, lo = zlib.crc32(text), zlib.adler32(text)
    value = (hi << 32) | lo
    return value - (1 << 64) if value >= (1 << 63) else value


def lock_name(*parts: str) -> str:
    """('gold', 'powerball') -> 'the gold lock of game powerball', for error lines."""
    head, *rest = parts
    return f"the {head} lock" + (f" of game {' '.join(rest)}" if rest else "")


def lock_timeout_error(what: str, holder: str = "") -> LockTimeoutError:
    """The one line for a timed-out lock wait; `holder` describes the other session if known."""
    return LockTimeoutError(f"timed out after {lock_timeout_s():g} s waiting for {what} "
                            f"(another session holds it{': ' + holder if holder else ''}; "
                            f"the wait is {LOCK_TIMEOUT_ENV})")


PARTITION_LAYERS = frozenset({"bronze", "silver", "gold"})


def advisory_xact_lock(conn: psycopg.Connection, *parts: str) -> None:
    """Serialise writers of one partition until the current transaction ends.

    A (layer, game) partition is locked as a row of ops.partition_locks, which only writers
    may update: an advisory key can be taken by any login (a gold_reader holding one stalled
    ingest). Other names ('migrate', which runs before ops exists) stay advisory keys. Every
    wait is bounded by lock_timeout and ends in a LockTimeoutError naming the lock.
    """
    try:
        if len(parts) == 2 and parts[0] in PARTITION_LAYERS:
            run_sql(conn, "ops/lock_partition.sql", {"layer": parts[0], "game": parts[1]})
        else:
            conn.execute("select pg_advisory_xact_lock(%s)", (lock_key(*parts),))
    except psycopg.errors.LockNotAvailable:
        raise lock_timeout_error(lock_name(*parts)) from None


def ident(allowed: set[str] | frozenset[str], name: str) -> sql.Identifier:
    """An identifier for composed SQL, only from an allow-list."""
    if name not in allowed:
        raise ValueError(f"identifier {name!r} is not allowed")
    return sql.Identifier(*name.split("."))
