"""Fixtures of the scale-out test: fresh databases, a dedicated Redis db, the Celery cluster.

Each database is created here and dropped at teardown; the Redis db (not the server) is flushed
before and after. The cluster's processes are stopped by group id in the fixture's teardown, on
success and on failure alike, and the teardown fails if any of them survived.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import NY_EXPORT
from tests.dbutil import create_database, drop_database
from tests.scaleout.cluster import Cluster, cluster_env, free_port
from tests.scaleout.sources import mega_millions_export, powerball_since

# A dedicated Redis database on the local server; only this one is ever flushed.
BROKER_URL = os.environ.get("DRAWPIPE_SCALEOUT_BROKER", "redis://127.0.0.1:6379/5")
PB_HISTORY_FROM = dt.date(2023, 1, 1)
MM_HISTORY = (dt.date(2023, 1, 1), dt.date(2025, 6, 30))


@contextmanager
def broker_db_lock(timeout: float = 600):
    """Hold the dedicated Redis db for this test: two test sessions on one machine (a helper's
    run beside CI's) must not share a broker db, or one cluster's workers take the other's
    tasks. A file lock, so a crashed holder releases it with its process."""
    path = Path(tempfile.gettempdir()) / ("drawpipe_scaleout_broker_"
                                          + BROKER_URL.rsplit("/", 1)[-1] + ".lock")
    with path.open("w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{BROKER_URL} stayed in use by another scale-out test "
                                f"for {timeout}s (lock {path})")
                time.sleep(2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _flush_broker_db() -> None:
    import redis

    client = redis.Redis.from_url(BROKER_URL, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture(scope="module")
def scaleout_dir():
    folder = Path(tempfile.mkdtemp(prefix="drawpipe_scaleout_"))
    yield folder
    if os.environ.get("DRAWPIPE_SCALEOUT_KEEP") != "1":
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def sources(scaleout_dir):
    pb, mm = scaleout_dir / "powerball_since_2023.csv", scaleout_dir / "mega_millions_synth.csv"
    powerball_since(NY_EXPORT, pb, PB_HISTORY_FROM)
    mega_millions_export(mm, *MM_HISTORY)
    return pb, mm


@pytest.fixture(scope="module")
def fresh_databases():
    """name -> libpq URL of fresh databases (metadata, warehouses), all dropped afterwards."""
    made: dict[str, tuple[str, str]] = {}

    def make(role: str, migrate: bool) -> str:
        name, url = create_database(f"drawpipe_scaleout_{role}")
        made[role] = (name, url)
        if migrate:
            from pipeline.migrate import migrate as run_migrations

            run_migrations(url)
        return url

    yield make
    for name, url in made.values():
        drop_database(url, name)


@pytest.fixture(scope="module")
def celery_cluster(scaleout_dir, fresh_databases):
    metadata = fresh_databases("airflow_meta", migrate=False)
    warehouse = fresh_databases("celery_warehouse", migrate=True)
    with broker_db_lock():
        yield from _running_cluster(scaleout_dir, metadata, warehouse)


def _running_cluster(scaleout_dir, metadata: str, warehouse: str):
    _flush_broker_db()
    port = free_port()
    home = scaleout_dir / "airflow_home"
    home.mkdir()
    cluster = Cluster(home, cluster_env(home, metadata, warehouse, BROKER_URL, port), metadata,
                      port)
    cluster.warehouse = warehouse
    survivors: list[int] = []
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        started = time.perf_counter()
        survivors = cluster.stop()
        cluster.timings["stop_s"] = round(time.perf_counter() - started, 1)
        print(f"\ncluster timings: {cluster.timings}; logs under {home}")
        _flush_broker_db()
    assert survivors == [], f"processes still running after the cluster stopped: {survivors}"
