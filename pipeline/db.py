"""Warehouse connections, SQL files and advisory locks (psycopg 3)."""

from __future__ import annotations

import os
import zlib
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import psycopg
from psycopg import sql

from pipeline.paths import sql_dir

_url_cache: dict[str, str] = {}


def database_url() -> str:
    """PIPELINE_DATABASE_URL, or an embedded server started on first use."""
    url = os.environ.get("PIPELINE_DATABASE_URL")
    if url:
        return url
    if "embedded" not in _url_cache:
        from pipeline.embedded import embedded_url

        _url_cache["embedded"] = embedded_url()
    return _url_cache["embedded"]


def connect(url: str | None = None, *, autocommit: bool = False) -> psycopg.Connection:
    return psycopg.connect(url or database_url(), autocommit=autocommit,
                           application_name="drawpipe")


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


def advisory_xact_lock(conn: psycopg.Connection, *parts: str) -> None:
    """Serialise writers of one partition until the current transaction ends."""
    conn.execute("select pg_advisory_xact_lock(%s)", (lock_key(*parts),))


def ident(allowed: set[str] | frozenset[str], name: str) -> sql.Identifier:
    """An identifier for composed SQL, only from an allow-list."""
    if name not in allowed:
        raise ValueError(f"identifier {name!r} is not allowed")
    return sql.Identifier(*name.split("."))
