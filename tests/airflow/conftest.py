"""An Airflow home per test session: SQLite metadata, this project's DAGs, no examples.

Airflow reads its configuration when first imported, so the environment is set (and the
metadata database migrated, in a subprocess) before any test imports it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "dags"
AIRFLOW_BIN = Path(sys.executable).with_name("airflow")


@pytest.fixture(scope="session")
def airflow_home():
    if "airflow" in sys.modules:
        pytest.fail("airflow was imported before the airflow_home fixture configured it")
    home = Path(tempfile.mkdtemp(prefix="drawpipe_airflow_"))
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "PIPELINE_STEP_RUNNER": "local",
        "PYTHONWARNINGS": "ignore",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    started = time.perf_counter()
    subprocess.run([str(AIRFLOW_BIN), "db", "migrate"], check=True, capture_output=True,
                   timeout=300)
    print(f"\nairflow db migrate: {time.perf_counter() - started:.1f}s")
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def dagbag(airflow_home):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def airflow_connection(url: str) -> str:
    """AIRFLOW_CONN_* JSON for a libpq URL or conninfo (the fixtures give a conninfo)."""
    import json

    from psycopg.conninfo import conninfo_to_dict

    p = conninfo_to_dict(url)
    return json.dumps({"conn_type": "postgres", "host": p.get("host"), "port": p.get("port"),
                       "login": p.get("user"), "password": p.get("password"),
                       "schema": p.get("dbname")})


@pytest.fixture
def warehouse(db, airflow_home, monkeypatch):
    """The test warehouse (emptied), reachable by the DAG only as the `warehouse` connection."""
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", airflow_connection(db))
    # The steps must get the warehouse from the connection, not from an inherited variable.
    monkeypatch.setenv("PIPELINE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/not_the_warehouse")
    return db
