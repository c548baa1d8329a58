"""Restore is all or nothing: a manifest mismatch leaves the target empty, and a `kill -9` of
`restore` (while pg_restore still writes, or after the verification) leaves no pg_restore
orphan and no restored table; the same restore then succeeds, verified."""

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from pipeline.bronze.ingest import ingest
from pipeline.cli import main
from pipeline.ops.backup import backup
from pipeline.ops.checksums import list_tables
from tests.conftest import NY_EXPORT, ROOT
from tests.dbutil import create_database, drop_database_soon

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def dump(database_url, tmp_path_factory):
    """One backup of a warehouse holding the NY export (bronze and ops rows)."""
    from tests.dbutil import truncate_all

    truncate_all(database_url)
    ingest("powerball", str(NY_EXPORT), skip_checks=True)  # the rows matter, not the gate
    out = tmp_path_factory.mktemp("backup") / "w.dump"
    backup(out)
    return out


@pytest.fixture
def target(database_url):
    name, url = create_database("drawpipe_restore")
    yield url
    drop_database_soon(url, name)


def _tables(url) -> list:
    with psycopg.connect(url) as conn:
        return list_tables(conn)


def _restore(dump, url):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["restore", "--from", str(dump), "--target-url", url])
    return code, out.getvalue(), err.getvalue()


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"  # a zombie has finished
    except OSError:
        return False


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_manifest_mismatch_leaves_the_target_empty(dump, target, tmp_path):
    bad = tmp_path / "bad.dump"
    bad.write_bytes(dump.read_bytes())
    doc = json.loads(dump.with_name(dump.name + ".manifest.json").read_text())
    doc["tables"]["bronze.draws"]["rows"] += 1
    (tmp_path / "bad.dump.manifest.json").write_text(json.dumps(doc))
    code, out, err = _restore(bad, target)
    assert code == 1 and out == ""
    assert "differs from the manifest in 1 table(s), nothing restored: bronze.draws" in err
    assert _tables(target) == []  # rolled back, not left half-trusted
    code, out, err = _restore(dump, target)  # the good dump: restored and verified
    assert code == 0, err
    assert json.loads(out)["tables_verified"] == len(doc["tables"]) == len(_tables(target))


@pytest.mark.parametrize("fault", ["restore.copying", "restore.verified"])
def test_kill_9_of_restore_leaves_no_orphan_and_no_restored_table(dump, target, fault):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIPELINE_FAULT_SLEEP_IN_PUBLISH": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "restore", "--from", str(dump), "--target-url",
         target], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    try:
        seen = []
        for line in proc.stderr:  # fault points announce themselves, then sleep 2 s
            seen.append(line)
            if line.strip() == f"fault point {fault}":
                break
        assert seen and seen[-1].strip() == f"fault point {fault}", "".join(seen)
        children = _children(proc.pid)
        if fault == "restore.copying":  # pg_restore is still writing the script
            assert children, "pg_restore should still be running"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert _wait_for(lambda: not any(_alive(c) for c in children), 10), "orphan pg_restore"
    # The server rolls back the dead connection's transaction: nothing was committed.
    time.sleep(0.5)
    assert _tables(target) == []
    code, out, err = _restore(dump, target)
    assert code == 0, err
    assert json.loads(out)["tables_verified"] == len(_tables(target)) > 0
