"""Shared fixtures: one real PostgreSQL database per test run, migrated once, emptied per test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("PYTHONWARNINGS", "ignore")

from tests.dbutil import create_database, drop_database, truncate_all  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "powerball"
NY_EXPORT = DATA / "ny_open_data_export_2010_2025.csv"
NORMALIZED = DATA / "draws_2010_2025.csv"


@pytest.fixture(scope="session")
def database_url():
    """A fresh database for this run; PIPELINE_DATABASE_URL points at it for every step."""
    name, url = create_database()
    previous = os.environ.get("PIPELINE_DATABASE_URL")
    os.environ["PIPELINE_DATABASE_URL"] = url
    from pipeline.migrate import migrate

    migrate(url)
    yield url
    if previous is None:
        os.environ.pop("PIPELINE_DATABASE_URL", None)
    else:
        os.environ["PIPELINE_DATABASE_URL"] = previous
    drop_database(url, name)


@pytest.fixture
def db(database_url):
    """The run's database, emptied before the test."""
    truncate_all(database_url)
    return database_url


@pytest.fixture
def conn(db):
    import psycopg

    with psycopg.connect(db, autocommit=True) as connection:
        yield connection


def run_cli(*args: str, env: dict | None = None, check: bool = False,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m pipeline ...` in a subprocess, exactly as a container would run it."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"pipeline {' '.join(args)} exited {proc.returncode}:\n"
                             f"{proc.stderr[-3000:]}")
    return proc


def last_json(proc: subprocess.CompletedProcess) -> dict:
    import json

    lines = [ln for ln in proc.stdout.strip().splitlines() if ln.strip()]
    assert lines, f"no JSON on stdout; stderr:\n{proc.stderr[-2000:]}"
    return json.loads(lines[-1])


@pytest.fixture
def http_server():
    """Serve {path: bytes} from a real HTTP server on 127.0.0.1; returns its base URL."""
    import http.server
    import threading

    servers = []

    def start(routes: dict[str, bytes]) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                body = routes.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
