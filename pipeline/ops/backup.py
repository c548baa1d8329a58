"""pg_dump the warehouse (custom format) with a manifest taken from the very same snapshot.

The manifest (FILE.manifest.json) holds the dump's sha256 and, per table of bronze, silver,
gold, ops and staging, its row count and checksum. Both come from one exported snapshot, so
writers running during the backup cannot make them disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

from pipeline.db import (
    STATEMENT_TIMEOUT_ENV,
    connect,
    database_url,
    lock_timeout_s,
    statement_timeout_s,
)
from pipeline.errors import PipelineError
from pipeline.ops.checksums import manifest
from pipeline.ops.pgbin import die_with_parent, find_binary, libpq_target, server_major
from pipeline.redact import redact

FORMAT_VERSION = 1


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".manifest.json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(out: Path, url: str | None = None) -> dict:
    url = url or database_url()
    started = time.perf_counter()
    partial = out.with_name(out.name + ".partial")
    with connect(url) as conn:
        conn.execute("set transaction isolation level repeatable read, read only")
        major = server_major(conn)
        pg_dump = find_binary("pg_dump", major)
        snapshot = conn.execute("select pg_export_snapshot()").fetchone()[0]
        tables = manifest(conn)
        conninfo, env = libpq_target(url)
        # pg_dump dies with this process (no orphan writing a .partial), waits for its table
        # locks no longer than any step does, and the whole dump is bounded too.
        try:
            proc = subprocess.run(
                [str(pg_dump), "--format=custom", f"--snapshot={snapshot}", f"--file={partial}",
                 f"--lock-wait-timeout={round(lock_timeout_s() * 1000)}",
                 f"--dbname={conninfo}"], capture_output=True, text=True, env=env,
                stdin=subprocess.DEVNULL, preexec_fn=die_with_parent(),
                timeout=statement_timeout_s())
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise PipelineError(f"pg_dump ran longer than {statement_timeout_s():g} s "
                                f"({STATEMENT_TIMEOUT_ENV}); no backup written") from None
        conn.rollback()
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        raise PipelineError(f"pg_dump failed ({proc.returncode}): "
                            f"{redact(proc.stderr.strip()[-500:])}")
    doc = {"format_version": FORMAT_VERSION, "dump_file": out.name,
           "dump_sha256": file_sha256(partial), "server_major": major,
           "pg_dump": str(pg_dump), "created_at": dt.datetime.now(dt.UTC).isoformat(),
           "tables": tables}
    mpath = manifest_path(out)
    mpath.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    os.replace(partial, out)  # the dump appears only once its manifest is written
    return {"file": str(out), "manifest": str(mpath), "tables": len(tables),
            "rows": sum(t["rows"] for t in tables.values()), "dump_sha256": doc["dump_sha256"],
            "bytes": out.stat().st_size, "seconds": round(time.perf_counter() - started, 3)}
