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


def migrate(url: str | None = None) -> dict:
    applied: list[str] = []
    with connect(url) as conn:
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(7261001)")  # before the bootstrap DDL
            conn.execute(BOOTSTRAP)
        for kind in ("versioned", "repeatable"):
            for name, text in _files(kind):
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
