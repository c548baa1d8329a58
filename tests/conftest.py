"""Shared fixtures and the test tiers.

Databases: one real PostgreSQL database per pytest process (each xdist worker has its own),
migrated once and emptied per test (`db`); a test that asks for `history` gets instead its own
copy of a template database holding the shipped history, ingested once per process.

Tiers: every test is exactly one of
  unit         no database, no subprocess; seconds for the whole tier (guarded at run time)
  integration  a real PostgreSQL; steps called in this process (`call_cli`)
  system       the CLI contract through `python -m pipeline` subprocesses, DAG runs, Celery,
               kill -9, containers
A test's tier is its explicit mark (`pytestmark = pytest.mark.system`, on a class or a test),
else its folder's (SYSTEM_FOLDERS, UNIT_FOLDERS), else `integration` when it uses the database
(the `database_url` fixture, directly or through `db`, `conn`, `history`, ...), else `unit`.
The `airflow`, `celery` and `containers` marks make a test `system` (an `integration` mark
beside them, from before the tiers, is ignored). Two tiers on one test is a collection error.
Run one: `./test.sh -m unit`, `./test.sh -m "unit or integration"`, `./test.sh -m system`.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("PYTHONWARNINGS", "ignore")

from tests.dbutil import (  # noqa: E402
    clone_database,
    close_connections,
    create_database,
    drop_database,
    drop_database_soon,
    truncate_all,
    wait_for_drops,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "powerball"
NY_EXPORT = DATA / "ny_open_data_export_2010_2025.csv"
NORMALIZED = DATA / "draws_2010_2025.csv"

TIERS = ("unit", "integration", "system")
# Marks that make a test a system test whatever else it says.
SYSTEM_MARKS = ("airflow", "celery", "containers")
# tests/<folder>: the tier of a test that names none (new files there included).
SYSTEM_FOLDERS = ("airflow", "containers", "scaleout", "system")
UNIT_FOLDERS = ("unit",)
_TIER = pytest.StashKey[str]()


def _tier(item) -> tuple[set[str], str]:
    """(the tiers the test's marks name, the tier it gets)."""
    named = {m.name for m in item.iter_markers() if m.name in TIERS}
    if any(item.get_closest_marker(m) for m in SYSTEM_MARKS):
        # Older files say `integration` (then: "talks to PostgreSQL") beside `containers` or
        # `celery`: the system mark decides, and `-m integration` must not select the test.
        if "integration" in named:
            for node in item.listchain():
                node.own_markers[:] = [m for m in node.own_markers if m.name != "integration"]
        named = (named - {"integration"}) | {"system"}
    if named:
        return named, min(named)
    path = Path(str(item.path)).resolve()
    parts = path.relative_to(ROOT / "tests").parts if path.is_relative_to(ROOT / "tests") else ()
    folder = parts[0] if len(parts) > 1 else ""
    if folder in SYSTEM_FOLDERS:
        return named, "system"
    if folder in UNIT_FOLDERS:
        return named, "unit"
    return named, "integration" if "database_url" in item.fixturenames else "unit"


def pytest_collection_modifyitems(config, items):
    doubly = []
    for item in items:
        named, tier = _tier(item)
        if len(named) > 1:
            doubly.append(f"{item.nodeid}: {' + '.join(sorted(named))}")
        item.add_marker(tier)
        item.stash[_TIER] = tier
    # xdist (test.sh: --dist loadfile --no-loadscope-reorder) hands out whole files in this
    # order as workers free up. Files holding a slow test go first, so that no long file starts
    # when the other workers are running out of work (xdist's own order, most tests first, put
    # the three-test kill file last); the containers' files last among them, as CI's image
    # build may still hold their lock when the tests start.
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (item.path not in slow, ROOT / "tests" / "containers"
                                 in item.path.parents))
    if doubly:
        raise pytest.UsageError("tests in more than one tier (unit, integration, system; the "
                                "airflow, celery and containers marks are system):\n  "
                                + "\n  ".join(doubly))


@pytest.fixture(autouse=True)
def _unit_tier_guard(request, monkeypatch):
    """A unit test that opens a database connection or starts a subprocess fails at once."""
    if request.node.stash.get(_TIER, None) != "unit":
        return
    import psycopg

    def refuse(what):
        def refused(*args, **kwargs):
            raise AssertionError(f"a unit test {what}: mark it `integration` or `system` "
                                 "(tests/conftest.py)")
        return refused

    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(refuse("connected to a "
                                                                           "database")))
    monkeypatch.setattr(subprocess.Popen, "_execute_child", refuse("started a subprocess"))


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
    wait_for_drops()
    drop_database(url, name)


@pytest.fixture(scope="session")
def history_templates(database_url):
    """(source, build) -> a template database: migrated, then that source ingested, once per
    process; with a build (name, build(url)), a copy of that template on which build ran with
    PIPELINE_DATABASE_URL at it, also once per process."""
    made: dict[tuple, str] = {}

    def template(source: Path, build: tuple | None = None) -> str:
        key = (str(source), build[0] if build else None)
        if key in made:
            return made[key]
        if build:
            name, url = clone_database(database_url, template(source), "drawpipe_tpl")
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("PIPELINE_DATABASE_URL", url)
                build[1](url)
        else:
            name, url = create_database("drawpipe_tpl")
            from pipeline.migrate import migrate

            migrate(url)
            proc = call_cli("ingest", "--game", "powerball", "--source", key[0],
                            env={"PIPELINE_DATABASE_URL": url})
            if proc.returncode != 0 or last_json(proc)["status"] != "published":
                raise AssertionError(f"ingest of {key[0]} into the template failed:\n"
                                     f"{proc.stdout[-1000:]}{proc.stderr[-3000:]}")
        close_connections(url, name)  # CREATE DATABASE ... TEMPLATE needs it idle
        made[key] = name
        return name

    yield template
    wait_for_drops()
    for name in reversed(made.values()):
        drop_database(database_url, name)


@pytest.fixture
def history_source() -> Path:
    """The file `history` starts from (override in a module: NY_EXPORT)."""
    return NORMALIZED


@pytest.fixture
def history_build():
    """What `history` holds beyond the ingest: None, or (name, build(url)) run once per process
    into a template that each test copies (override in a module; tests/quality/test_stage_gates
    builds every layer once instead of once per test)."""
    return None


@pytest.fixture
def db(request, database_url, monkeypatch):
    """The test's database: the run's database emptied, or, when the test (or one of its
    fixtures) uses `history`, a fresh copy of the history template, dropped afterwards."""
    if "history" not in request.fixturenames:
        truncate_all(database_url)
        yield database_url
        return
    source = request.getfixturevalue("history_source")
    build = request.getfixturevalue("history_build")
    template = request.getfixturevalue("history_templates")(source, build)
    name, url = clone_database(database_url, template)
    monkeypatch.setenv("PIPELINE_DATABASE_URL", url)
    try:
        yield url
    finally:
        drop_database_soon(database_url, name)


@pytest.fixture
def history(db):
    """The test's database already holds the shipped history in bronze (`history_source`,
    ingested by `python -m pipeline ingest` into the template): no test re-ingests it."""
    return db


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


def call_cli(*args: str, env: dict | None = None, check: bool = False,
             timeout: float | None = None) -> subprocess.CompletedProcess:
    """`python -m pipeline ...` in this process (pipeline.cli.main): run_cli's result without
    a new interpreter and its 3-7 s of imports. For tests where the process boundary is not the
    point; `env` is applied to os.environ for the call; `timeout` is ignored."""
    from pipeline.cli import main

    saved = {k: os.environ.get(k) for k in env or {}}
    os.environ.update(env or {})
    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    level = root.level
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, usage errors
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:  # a bug: the traceback a subprocess would print, exit 1
                traceback.print_exc()
                code = 1
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_drawpipe", False)]:
            root.removeHandler(handler)
        root.setLevel(level)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    proc = subprocess.CompletedProcess(["python", "-m", "pipeline", *args], code,
                                       out.getvalue(), err.getvalue())
    if check and code != 0:
        raise AssertionError(f"pipeline {' '.join(args)} exited {code}:\n{proc.stderr[-3000:]}")
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
