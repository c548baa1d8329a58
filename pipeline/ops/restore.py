"""Restore a backup into an empty database and prove it with the backup's manifest, atomically.

Order: the manifest is read and the dump's sha256 checked before anything touches the target;
the target must hold no warehouse tables; roles are created (cluster-wide, idempotent) so the
dump's grants apply. Then the whole restore is ONE transaction on this process's connection:
pg_restore only turns the dump into its SQL script (`--file=-`, no database connection of its
own), which is applied statement by statement and COPY by COPY; every table's row count and
checksum are recomputed inside that same transaction, and it commits only if they equal the
manifest. So:

- a manifest mismatch rolls everything back: the target is left empty, as it was;
- a `kill -9` (or any death) of `restore` closes the connection and the server rolls the
  uncommitted restore back; pg_restore, a child that dies with its parent (PR_SET_PDEATHSIG),
  cannot finish anything on its own - it never had a connection.

Why not restore into a scratch database and rename it over the target: renaming needs CREATEDB
or ownership plus no other session on either database, drops the target's own grants and
settings, and leaves a moment with no database of that name. Committing a verified transaction
is the same switch, atomic, with no extra privilege.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
from pathlib import Path

from pipeline.db import connect, load_sql
from pipeline.errors import DatabaseError, PipelineError
from pipeline.ops.backup import FORMAT_VERSION, file_sha256, manifest_path
from pipeline.ops.checksums import compare, list_tables, manifest
from pipeline.ops.faults import fault_point
from pipeline.ops.pgbin import die_with_parent, find_binary, server_major
from pipeline.redact import redact, register_url

ROLES_SQL = "migrations/0400_roles.sql"
_COPY = re.compile(rb"COPY [\w.\"]+ \([^)]*\) FROM stdin;")
# The script switches these off for the restoring session; the pipeline's bounds stay instead.
_UNBOUNDED = re.compile(rb"SET (statement_timeout|lock_timeout|idle_in_transaction_session_timeout"
                        rb"|transaction_timeout) = 0;")
# psql meta-commands pg_restore writes (a per-script key against injected meta-commands).
_META = re.compile(rb"\\(restrict|unrestrict) [A-Za-z0-9]+")
_COPY_BATCH = 1000  # data lines per write


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


def _execute(conn, lines: list[bytes]) -> None:
    text = b"".join(lines).decode("utf-8")
    if any(ln.strip() and not ln.lstrip().startswith("--") for ln in text.splitlines()):
        conn.execute(text)  # no parameters: sent as is, several statements at once


def _copy(conn, command: bytes, stream) -> int:
    rows, batch = 0, []
    with conn.cursor() as cur, cur.copy(command[:-1].decode("utf-8")) as copy:
        for line in stream:
            if line == b"\\.\n":
                break
            batch.append(line)
            if len(batch) >= _COPY_BATCH:
                copy.write(b"".join(batch))
                rows, batch = rows + len(batch), []
        else:
            raise PipelineError("the dump's script ended inside a COPY block")
        if batch:
            copy.write(b"".join(batch))
    return rows + len(batch)


def apply_script(conn, stream) -> int:
    """Apply pg_restore's plain SQL script from `stream` on `conn`; returns the rows copied."""
    pending: list[bytes] = []
    copied = 0
    for line in stream:
        bare = line.rstrip(b"\n")
        if _COPY.fullmatch(bare):
            _execute(conn, pending)
            pending = []
            if not copied:
                fault_point("restore.copying")  # pg_restore is still writing the rest
            copied += _copy(conn, bare, stream)
        elif line.startswith(b"\\"):
            if not _META.fullmatch(bare):
                raise PipelineError(f"the dump's script has an unexpected psql command "
                                    f"{bare[:40].decode(errors='replace')!r}: not restoring it")
        elif not _UNBOUNDED.fullmatch(bare):
            pending.append(line)
    _execute(conn, pending)
    return copied


def restore(dump: Path, target_url: str) -> dict:
    started = time.perf_counter()
    register_url(target_url)  # libpq may quote its password in an error: redacted everywhere
    doc = read_manifest(dump)
    try:
        conn = connect(target_url)
    except DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001 - any connection failure is the user's to fix
        raise PipelineError(f"cannot connect to the target database: "
                            f"{redact(str(exc).strip().splitlines()[0])}") from None
    with conn:
        existing = list_tables(conn)
        if existing:
            names = ", ".join(f"{s}.{t}" for s, t in existing[:5])
            raise PipelineError(f"target database is not empty ({len(existing)} warehouse "
                                f"tables, e.g. {names}); restore only into an empty database")
        pg_restore = find_binary("pg_restore", server_major(conn))
        conn.execute(load_sql(ROLES_SQL))
        conn.commit()  # roles are cluster-wide: committed on their own, before the restore
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(
                [str(pg_restore), "--no-owner", "--file=-", str(dump)], stdout=subprocess.PIPE,
                stderr=errors, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent())
            try:
                with conn.transaction():
                    copied = apply_script(conn, proc.stdout)
                    try:
                        code = proc.wait(timeout=60)  # its output is read: it is exiting
                    except subprocess.TimeoutExpired:
                        raise PipelineError("pg_restore did not exit 60 s after its output "
                                            "ended; nothing restored") from None
                    if code != 0:
                        errors.seek(0)
                        raise PipelineError(
                            f"pg_restore failed ({code}), nothing restored: "
                            f"{redact(errors.read().decode(errors='replace').strip()[-500:])}")
                    actual = manifest(conn)
                    problems = compare(doc["tables"], actual)
                    if problems:  # raised inside the transaction: the target stays empty
                        raise RestoreMismatchError(
                            f"restored database differs from the manifest in {len(problems)} "
                            f"table(s), nothing restored: " + "; ".join(problems))
                    fault_point("restore.verified")
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait(timeout=30)
                proc.stdout.close()
    return {"from": str(dump), "tables_verified": len(actual), "rows_copied": copied,
            "rows": sum(t["rows"] for t in actual.values()),
            "seconds": round(time.perf_counter() - started, 3)}
