"""No login can stall a step: every lock wait ends after PIPELINE_LOCK_TIMEOUT_S with one line
naming the lock, published tables stay as they were, and the same step succeeds once the
other session lets go. In-process (`pipeline.cli.main`): the process boundary is not the point."""

import contextlib
import io
import time

import psycopg
import pytest

from pipeline.bronze.ingest import ingest
from pipeline.cli import main
from pipeline.db import connect, lock_key
from tests.conftest import NORMALIZED, NY_EXPORT
from tests.reliability.helpers import bronze_content

pytestmark = pytest.mark.integration
INGEST = ["ingest", "--game", "powerball", "--source", str(NORMALIZED)]


def _call(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _error_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("error:")]


@pytest.fixture
def other_session(db):
    with psycopg.connect(db) as session:  # not autocommit: its locks last until rollback
        yield session
        session.rollback()


@pytest.fixture
def short_waits(monkeypatch):
    monkeypatch.setenv("PIPELINE_LOCK_TIMEOUT_S", "3")


def test_every_session_gets_the_timeouts(db, monkeypatch):
    monkeypatch.setenv("PIPELINE_LOCK_TIMEOUT_S", "2.5")
    monkeypatch.setenv("PIPELINE_STATEMENT_TIMEOUT_S", "600")
    with connect() as conn:
        assert conn.execute("show lock_timeout").fetchone()[0] == "2500ms"
        assert conn.execute("show statement_timeout").fetchone()[0] == "10min"
    monkeypatch.delenv("PIPELINE_LOCK_TIMEOUT_S")
    monkeypatch.delenv("PIPELINE_STATEMENT_TIMEOUT_S")
    with connect() as conn:  # the defaults: 120 s and 1 h, never "wait forever"
        assert conn.execute("show lock_timeout").fetchone()[0] == "2min"
        assert conn.execute("show statement_timeout").fetchone()[0] == "1h"


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon", "1e9"])
def test_a_timeout_that_would_wait_forever_is_refused(db, monkeypatch, value):
    monkeypatch.setenv("PIPELINE_LOCK_TIMEOUT_S", value)
    code, out, err = _call(INGEST)
    assert code == 1 and out == ""
    assert _error_lines(err) == [f"error: PIPELINE_LOCK_TIMEOUT_S must be a number of seconds "
                                 f"above 0 and at most 604800, got {value!r}"]


def test_a_table_lock_fails_ingest_in_seconds_then_the_same_ingest_succeeds(
        db, conn, other_session, short_waits):
    ingest("powerball", str(NY_EXPORT))
    before = bronze_content(conn)
    other_session.execute("lock table bronze.draws in access exclusive mode")
    started = time.monotonic()
    code, out, err = _call(INGEST)
    elapsed = time.monotonic() - started
    assert code == 1 and out == "" and elapsed < 30
    (line,) = _error_lines(err)
    assert line.startswith("error: timed out after 3 s waiting for the lock on bronze.draws"
                           " (another session holds it: pid ")
    assert "Traceback" not in err
    other_session.rollback()
    assert bronze_content(conn) == before  # published rows as they were
    failed = conn.execute("select message from ops.runs where status = 'failed'").fetchall()
    assert [m for (m,) in failed] == [line.removeprefix("error: ")]
    code, out, err = _call(INGEST)
    assert code == 0, err
    assert '"status": "published"' in out and '"inserted": 6' in out


def test_a_reader_cannot_take_a_partition_lock_at_all(db, conn, other_session, short_waits):
    """gold_reader once stalled ingest with pg_advisory_lock on the bronze key. Partition
    locks are rows of ops.partition_locks now: that key blocks nothing, and the row is out of
    a reader's reach."""
    other_session.execute("set role gold_reader")
    other_session.execute("select pg_advisory_lock(%s)", (lock_key("bronze", "powerball"),))
    code, out, err = _call(INGEST)
    assert code == 0 and '"inserted": 1889' in out, err
    other_session.rollback()
    other_session.execute("set role gold_reader")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        other_session.execute("select * from ops.partition_locks for update")


def test_a_writer_holding_the_partition_lock_times_out_ingest_naming_it(
        db, conn, other_session, short_waits):
    other_session.execute("set role drawpipe_bronze_writer")
    other_session.execute("insert into ops.partition_locks values ('bronze', 'powerball')"
                          " on conflict (layer, game) do update set layer = excluded.layer")
    started = time.monotonic()
    code, out, err = _call(INGEST)
    assert code == 1 and time.monotonic() - started < 30
    (line,) = _error_lines(err)
    assert line.startswith("error: timed out after 3 s waiting for the bronze lock of game "
                           "powerball (another session holds it")
    assert conn.execute("select count(*) from bronze.draws").fetchone()[0] == 0
    other_session.rollback()
    code, out, err = _call(INGEST)
    assert code == 0 and '"inserted": 1889' in out, err


def test_a_statement_over_the_statement_timeout_is_one_line(db, monkeypatch):
    from pipeline.failures import error_line

    monkeypatch.setenv("PIPELINE_STATEMENT_TIMEOUT_S", "0.2")
    with connect() as conn, pytest.raises(psycopg.errors.QueryCanceled) as info:
        conn.execute("select pg_sleep(2)")
    assert error_line(info.value) == (
        "a statement ran longer than 0.2 s and was cancelled (PIPELINE_STATEMENT_TIMEOUT_S); "
        "nothing it wrote was published", 1)


def test_evaluates_own_advisory_lock_is_bounded_and_named(db, conn, other_session,
                                                          short_waits):
    """evaluate still serialises its runs with a session advisory key (pipeline/gold): a
    reader holding it no longer stalls evaluate; the line names the key's game."""
    other_session.execute("set role gold_reader")
    other_session.execute("select pg_advisory_lock(%s)",
                          (lock_key("gold-evaluate", "powerball"),))
    started = time.monotonic()
    code, out, err = _call(["evaluate", "--game", "powerball"])
    assert code == 1 and out == "" and time.monotonic() - started < 30
    (line,) = _error_lines(err)
    assert line.startswith("error: timed out after 3 s waiting for the gold-evaluate lock of "
                           "game powerball (another session holds it: pid ")
    assert line.endswith(", ExclusiveLock; the wait is PIPELINE_LOCK_TIMEOUT_S)")
