"""ops.runs after a kill -9: the next step closes the dead run as failed, never a live one."""

import random

import pytest

from pipeline.runs import step_run
from tests.conftest import NY_EXPORT
from tests.reliability.faults import fork_cli, kill_at_random_point, wait_for_sessions_to_end

pytestmark = pytest.mark.integration
INGEST = ["ingest", "--game", "powerball", "--source", str(NY_EXPORT)]


def _runs(conn, step="ingest"):
    return conn.execute("select run_id, status, message, finished_at is not null from ops.runs"
                        " where step = %s order by started_at", (step,)).fetchall()


def test_a_killed_step_is_closed_as_failed_by_the_next_step(db, conn, tmp_path):
    child = fork_cli(INGEST, tmp_path, fault_sleep_s=0.3)
    kill_at_random_point(child, 0.2, random.Random(3))
    wait_for_sessions_to_end(db)
    [(dead_id, status, _, finished)] = _runs(conn)
    assert (status, finished) == ("running", False), _  # nothing else can close it

    with step_run("probe", "powerball", "reap") as run:
        run.rows_written = 0
    [(run_id, status, message, finished)] = _runs(conn)
    assert run_id == dead_id
    assert (status, finished) == ("failed", True)
    assert message.startswith("abandoned: the step process ended")
    assert _runs(conn, "probe")[0][1:] == ("success", None, True)


def test_a_live_step_is_not_reaped(db, conn, tmp_path):
    # The child sleeps at each fault point of its publish, so it is alive and 'running' while
    # another step starts, reaps, and ends.
    child = fork_cli(INGEST, tmp_path, fault_sleep_s=1.0)
    for line in child.stderr:
        if line.startswith("fault point"):
            break
    with step_run("probe", "powerball", "reap"):
        [(_, status, _, finished)] = _runs(conn)
        assert (status, finished) == ("running", False)
    assert child.wait() == 0
    child.stderr.close()
    assert [r[1:] for r in _runs(conn)] == [("success", None, True)]
