"""Backup and restore through the CLI: a new database gets every table back, checksums equal."""

import json

import psycopg
import pytest

from pipeline.bronze.ingest import ingest
from pipeline.ops.checksums import manifest
from tests.conftest import NORMALIZED, NY_EXPORT, last_json, run_cli
from tests.dbutil import create_database, drop_database_soon

pytestmark = pytest.mark.integration


@pytest.fixture
def target_db(database_url):
    name, url = create_database("drawpipe_restore")
    yield url
    drop_database_soon(url, name)


def _source_manifest(url):
    with psycopg.connect(url) as conn, conn.transaction():
        return manifest(conn)


def test_backup_then_restore_into_a_new_database_keeps_every_checksum(db, target_db, tmp_path):
    ingest("powerball", str(NY_EXPORT))
    ingest("powerball", str(NORMALIZED))
    out = tmp_path / "warehouse.dump"
    made = last_json(run_cli("backup", "--out", str(out), check=True))
    doc = json.loads((tmp_path / "warehouse.dump.manifest.json").read_text())
    # The manifest covers every warehouse table and agrees with an independent recount.
    assert doc["tables"] == _source_manifest(db)
    assert doc["tables"]["bronze.draws"]["rows"] == 1889
    assert made["tables"] == len(doc["tables"]) >= 8

    restored = last_json(run_cli("restore", "--from", str(out), "--target-url", target_db,
                                 check=True))
    assert restored["tables_verified"] == len(doc["tables"])
    assert _source_manifest(target_db) == doc["tables"]


def test_restore_fails_loudly_on_a_damaged_dump_or_a_non_empty_target(db, target_db, tmp_path):
    ingest("powerball", str(NY_EXPORT))
    out = tmp_path / "w.dump"
    run_cli("backup", "--out", str(out), check=True)
    # A non-empty target (the source itself) is refused before anything is written.
    proc = run_cli("restore", "--from", str(out), "--target-url", db)
    assert proc.returncode == 1 and "target database is not empty" in proc.stderr
    # A manifest that disagrees with the restored rows fails the restore, naming the table.
    mpath = tmp_path / "w.dump.manifest.json"
    doc = json.loads(mpath.read_text())
    doc["tables"]["bronze.draws"]["rows"] += 1
    mpath.write_text(json.dumps(doc))
    proc = run_cli("restore", "--from", str(out), "--target-url", target_db)
    assert proc.returncode == 1
    assert "differs from the manifest" in proc.stderr and "bronze.draws" in proc.stderr
    # A damaged dump is refused before the target is touched.
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF
    out.write_bytes(bytes(data))
    proc = run_cli("restore", "--from", str(out), "--target-url", target_db)
    assert proc.returncode == 1 and "sha256" in proc.stderr


def test_backup_refuses_to_overwrite(db, tmp_path):
    out = tmp_path / "exists.dump"
    out.write_text("precious")
    proc = run_cli("backup", "--out", str(out))
    assert proc.returncode == 2 and "never overwrite" in proc.stderr
    assert out.read_text() == "precious"
