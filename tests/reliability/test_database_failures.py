"""A warehouse that cannot be used is one `error:` line and exit 1, never a traceback, and no
password of a connection string ever reaches stderr, a log line or ops.runs.

In-process (`pipeline.cli.main`) for each failure; one real `python -m pipeline` for the
"no Traceback on stderr" contract, where the process boundary is the point."""

import contextlib
import io
import logging

import pytest

from pipeline.cli import main
from pipeline.redact import redact
from tests.conftest import run_cli
from tests.dbutil import create_database, drop_database_soon

pytestmark = pytest.mark.integration
SECRET = "se%zzcret"  # libpq cannot parse this password and quotes it in its error
FEATURES = ["features", "--game", "powerball"]


def _call(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def unmigrated(database_url):
    name, url = create_database("drawpipe_unmigrated")
    yield url
    drop_database_soon(url, name)


def _url(base: str, **parts) -> str:
    """base's server with another host, port, database, user or password, as a libpq URL.
    A socket directory (the embedded server's, when no URL is configured) goes in `?host=`."""
    from urllib.parse import quote

    from psycopg.conninfo import conninfo_to_dict

    p = {**conninfo_to_dict(base), **parts}
    auth = p.get("user", "postgres") + (f":{p['password']}" if p.get("password") else "")
    host, port = p.get("host", "127.0.0.1"), p.get("port", 5432)
    if host.startswith("/"):
        return f"postgresql://{auth}@:{port}/{p['dbname']}?host={quote(host, safe='')}"
    return f"postgresql://{auth}@{host}:{port}/{p['dbname']}"


@pytest.mark.parametrize(("case", "expected"), [
    ("server down", 'connection to server at "127.0.0.1", port 1 failed: Connection refused'),
    ("missing database", 'cannot use the warehouse database: database "drawpipe_no_such_db" '
                         'does not exist'),
    ("missing role", 'cannot use the warehouse database: role "drawpipe_no_such_role" does '
                     'not exist'),
    ("unmigrated", 'does not exist): run python -m pipeline migrate'),
    ("unparsable URL", 'the database URL cannot be parsed: invalid percent-encoded token: '
                       '"****"'),
])
def test_an_unusable_warehouse_is_one_line_and_exit_1(database_url, unmigrated, monkeypatch,
                                                       case, expected):
    url = {
        # No server listens on 127.0.0.1:1, whichever server the tests use.
        "server down": _url(database_url, host="127.0.0.1", port=1, password="hunter2hunter2"),
        "missing database": _url(database_url, dbname="drawpipe_no_such_db"),
        "missing role": _url(database_url, user="drawpipe_no_such_role", password="pw-x9y8z7"),
        "unmigrated": unmigrated,
        "unparsable URL": _url(database_url, password=SECRET),
    }[case]
    monkeypatch.setenv("PIPELINE_DATABASE_URL", url)
    code, out, err = _call(FEATURES)
    assert (code, out) == (1, "")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], err
    for secret in (SECRET, "hunter2hunter2", "pw-x9y8z7"):
        assert secret not in err


def test_server_down_with_an_unparsable_password_no_traceback_no_password(database_url):
    """The contract's check, through the real entry point: stderr is one line."""
    for url in (_url(database_url, host="127.0.0.1", port=1),
                _url(database_url, password=SECRET)):
        proc = run_cli(*FEATURES, env={"PIPELINE_DATABASE_URL": url}, timeout=60)
        assert proc.returncode == 1 and proc.stdout == ""
        assert "Traceback" not in proc.stderr and SECRET not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_no_password_reaches_ops_runs_or_a_log_line(db, conn, caplog):
    """A source URL with credentials: refused, and its password is in no output and no row."""
    source = "http://drawpipe:hunter2pass@127.0.0.1:1/draws.csv"
    caplog.set_level(logging.DEBUG)
    code, out, err = _call(["ingest", "--game", "powerball", "--source", source])
    assert code != 0 and "hunter2pass" not in out + err
    rows = conn.execute("select params::text, coalesce(message, '') from ops.runs").fetchall()
    assert rows and not any("hunter2pass" in p + m for p, m in rows)
    logging.getLogger("pipeline.test").warning("connecting to %s", source)
    assert "http://drawpipe:****@127.0.0.1:1/draws.csv" in caplog.text
    assert "hunter2pass" not in caplog.text


@pytest.mark.parametrize(("text", "expected"), [
    ("postgresql://u:p%zz@h:5432/db failed", "postgresql://u:****@h:5432/db failed"),
    ("to postgresql://u:a@b@h/db.", "to postgresql://u:****@h/db."),
    ("host=h password='x y' dbname=d", "host=h password=**** dbname=d"),
    ("host=h password=abc dbname=d", "host=h password=**** dbname=d"),
    ("postgresql://u@h/db", "postgresql://u@h/db"),  # nothing secret: unchanged
])
def test_redact_masks_url_and_conninfo_passwords(text, expected):
    assert redact(text) == expected


def test_redact_masks_the_configured_password_wherever_libpq_quotes_it(monkeypatch):
    monkeypatch.setenv("PIPELINE_DATABASE_URL", f"postgresql://u:{SECRET}@h/db")
    assert redact(f'invalid percent-encoded token: "{SECRET}"') == (
        'invalid percent-encoded token: "****"')



@pytest.mark.parametrize(("action", "setup", "expected"), [
    ("url", None, "error: cannot prepare the embedded PostgreSQL folder /proc/drawpipe/pgdata"),
    ("stop", "postmaster.pid", "error: could not stop the embedded PostgreSQL in "),
])
def test_embedded_server_failures_are_one_line(monkeypatch, tmp_path, action, setup, expected):
    """Without PIPELINE_DATABASE_URL: an unusable folder or a stale pid file is one line."""
    folder = "/proc/drawpipe/pgdata" if setup is None else str(tmp_path)
    if setup:
        (tmp_path / setup).write_text("99999\n")
    monkeypatch.delenv("PIPELINE_DATABASE_URL")
    monkeypatch.setenv("PIPELINE_EMBEDDED_DIR", folder)
    code, out, err = _call(["embedded", action])
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert (code, out) == (1, "") and len(lines) == 1 and lines[0].startswith(expected), err
