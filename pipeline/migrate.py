"""Apply sql/migrations/NNNN_*.sql in order, once each, recorded in ops.schema_migrations.

Files under sql/repeatable/ (views, roles' grants) are re-applied whenever their text changes.
Safe to run twice and from two processes at once (one advisory lock around everything).
"""

from __future__ import annotations

import hashlib
import logging
import re

import psycopg

from pipeline.db import advisory_xact_lock, connect
from pipeline.errors import PipelineError
from pipeline.paths import sql_dir

log = logging.getLogger(__name__)
VERSIONED = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

BOOTSTRAP = """
create schema if not exists ops;
create table if not exists ops.schema_migrations (
    version    text primary key,
    kind       text not null default 'versioned',
    checksum   text not null,
    applied_at timestamptz not null default now()
);
"""


def _files(kind: str):
    folder = sql_dir() / ("migrations" if kind == "versioned" else "repeatable")
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.glob("*.sql"))
    if kind == "versioned":
        bad = [n for n in names if not VERSIONED.match(n)]
        if bad:
            raise PipelineError(f"migration file names must look like 0001_name.sql: {bad}")
    return [(n, (folder / n).read_text()) for n in names]


def _refuse_out_of_order(conn, names: list[str]) -> None:
    """A new versioned file numbered below one already applied would run last here but in its
    place on a fresh warehouse: the two would differ. Refuse it before anything runs."""
    applied = {r[0] for r in conn.execute(
        "select version from ops.schema_migrations where kind = 'versioned'")}
    newest = max(applied & set(names), default=None)
    late = [n for n in names if n not in applied and newest is not None and n < newest]
    if late:
        raise PipelineError(f"migration {late[0]} is numbered below {newest}, which this "
                            f"warehouse already applied: give it a number above {newest[:4]}")


def migrate(url: str | None = None, *, through: str | None = None) -> dict:
    """Apply every pending migration (`through`: only versioned files numbered up to it, and no
    repeatable ones: how an older release left a warehouse, for tests of the upgrade path)."""
    applied: list[str] = []
    with connect(url) as conn:
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(7261001)")  # before the bootstrap DDL
            conn.execute(BOOTSTRAP)
        with conn.transaction():
            advisory_xact_lock(conn, "migrate")
            _refuse_out_of_order(conn, [n for n, _ in _files("versioned")])
        for kind in ("versioned", "repeatable"):
            files = _files(kind)
            if through is not None:
                files = [(n, t) for n, t in files if kind == "versioned" and n[:4] <= through]
            for name, text in files:
                checksum = hashlib.sha256(text.encode()).hexdigest()
                with conn.transaction():
                    advisory_xact_lock(conn, "migrate")
                    row = conn.execute(
                        "select checksum from ops.schema_migrations where version = %s",
                        (name,)).fetchone()
                    if row and row[0] == checksum:
                        continue
                    if row and kind == "versioned":
                        raise PipelineError(
                            f"migration {name} changed after it was applied; add a new one")
                    try:
                        conn.execute(text)
                    except psycopg.Error as exc:
                        raise PipelineError(f"migration {name} failed: {exc}") from exc
                    conn.execute(
                        "insert into ops.schema_migrations (version, kind, checksum)"
                        " values (%s, %s, %s) on conflict (version) do update"
                        " set checksum = excluded.checksum, applied_at = now()",
                        (name, kind, checksum))
                    applied.append(name)
                    log.info("applied %s", name)
    return {"applied": applied, "count": len(applied)}
