"""A throwaway database per test run, on PIPELINE_DATABASE_URL's server or the embedded one."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

# Everything a test may leave behind in the warehouse; truncated between tests.
SCHEMAS = ("bronze", "silver", "gold", "ops", "staging")


def server_url() -> str:
    url = os.environ.get("PIPELINE_DATABASE_URL")
    if url:
        return url
    from pipeline.embedded import embedded_url

    return embedded_url()


def with_dbname(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo(**params)


def create_database(prefix: str = "drawpipe_test") -> tuple[str, str]:
    base = server_url()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(with_dbname(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return name, with_dbname(base, name)


def drop_database(url: str, name: str) -> None:
    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


_dropper: ThreadPoolExecutor | None = None
_drops: list[Future] = []


def drop_database_soon(url: str, name: str) -> None:
    """drop_database on a background thread: PostgreSQL checkpoints for every DROP DATABASE
    (2 s for an empty one here, 5-14 s under load), which need not hold up the next test."""
    global _dropper
    if _dropper is None:
        _dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop_database")
    _drops.append(_dropper.submit(drop_database, url, name))


def wait_for_drops() -> None:
    """Every drop_database_soon done; the first failure raised."""
    while _drops:
        _drops.pop(0).result()


def truncate_all(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "select format('%%I.%%I', schemaname, tablename) from pg_tables"
            " where schemaname = any(%s) and tablename <> 'schema_migrations'",
            (list(SCHEMAS),)).fetchall()
        if rows:
            conn.execute("truncate " + ", ".join(r[0] for r in rows) + " restart identity cascade")


def clone_database(url: str, template: str, prefix: str = "drawpipe_clone") -> tuple[str, str]:
    """A new database copied from `template` (CREATE DATABASE ... TEMPLATE): (name, url).

    PostgreSQL copies the template's files: milliseconds to a second for a warehouse holding
    the whole history, where re-ingesting it takes several seconds. Nobody may be connected
    to the template meanwhile (close_connections)."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{name}" template "{template}"')
    return name, with_dbname(url, name)


def close_connections(url: str, name: str) -> None:
    """End every session on database `name` (pooled ones a step left open in this process)."""
    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True) as conn:
        conn.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                     " where datname = %s and pid <> pg_backend_pid()", (name,))
