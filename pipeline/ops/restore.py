"""Restore a backup into an empty database and prove it with the backup's manifest.

Order: the manifest is read and the dump's sha256 checked before anything touches the target;
the target must hold no warehouse tables; roles are created (cluster-wide, idempotent) so the
dump's grants apply; pg_restore runs as one transaction; then every table's row count and
checksum are recomputed on the target and any difference fails the restore loudly.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from pipeline.db import connect, load_sql
from pipeline.errors import PipelineError
from pipeline.ops.backup import FORMAT_VERSION, file_sha256, manifest_path
from pipeline.ops.checksums import compare, list_tables, manifest
from pipeline.ops.pgbin import find_binary, libpq_target, server_major

ROLES_SQL = "migrations/0400_roles.sql"


class RestoreMismatchError(PipelineError):
    """The restored tables differ from the manifest."""


def read_manifest(dump: Path) -> dict:
    mpath = manifest_path(dump)
    if not mpath.is_file():
        raise PipelineError(f"manifest not found: {mpath} (a backup is FILE plus "
                            f"FILE.manifest.json)")
    try:
        doc = json.loads(mpath.read_text())
        tables = doc["tables"]
        if doc.get("format_version") != FORMAT_VERSION or not isinstance(tables, dict):
            raise ValueError("unknown format")
    except (ValueError, KeyError, TypeError) as exc:
        raise PipelineError(f"manifest {mpath} is not a drawpipe manifest: {exc}") from exc
    actual = file_sha256(dump)
    if actual != doc.get("dump_sha256"):
        raise PipelineError(f"dump {dump} has sha256 {actual}, manifest says "
                            f"{doc.get('dump_sha256')}: the file is damaged or not this backup")
    return doc


def restore(dump: Path, target_url: str) -> dict:
    started = time.perf_counter()
    doc = read_manifest(dump)
    try:
        conn = connect(target_url, autocommit=True)
    except Exception as exc:  # noqa: BLE001 - any connection failure is the user's to fix
        raise PipelineError(f"cannot connect to the target database: "
                            f"{str(exc).strip().splitlines()[0]}") from None
    with conn:
        existing = list_tables(conn)
        if existing:
            names = ", ".join(f"{s}.{t}" for s, t in existing[:5])
            raise PipelineError(f"target database is not empty ({len(existing)} warehouse "
                                f"tables, e.g. {names}); restore only into an empty database")
        major = server_major(conn)
        pg_restore = find_binary("pg_restore", major)
        conn.execute(load_sql(ROLES_SQL))
        conninfo, env = libpq_target(target_url)
        proc = subprocess.run(
            [str(pg_restore), "--single-transaction", "--exit-on-error", "--no-owner",
             f"--dbname={conninfo}", str(dump)], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise PipelineError(f"pg_restore failed ({proc.returncode}), nothing restored: "
                                f"{proc.stderr.strip()[-500:]}")
        with conn.transaction():
            actual = manifest(conn)
    problems = compare(doc["tables"], actual)
    if problems:
        raise RestoreMismatchError(f"restored database differs from the manifest in "
                                   f"{len(problems)} table(s): " + "; ".join(problems))
    return {"from": str(dump), "tables_verified": len(actual),
            "rows": sum(t["rows"] for t in actual.values()),
            "seconds": round(time.perf_counter() - started, 3)}
