"""ops.runs: one row per step execution, written on its own connection so it survives failures.

The connection that starts a run stays open until the step ends, holding a session lock on
the run: that is how a later step tells a run whose process was killed (lock free) from one
still working, and closes the dead one as failed instead of leaving it 'running' forever.
"""

from __future__ import annotations

import json
import logging
import subprocess
import uuid
from contextlib import contextmanager
from functools import lru_cache

from pipeline import __version__
from pipeline.db import connect, run_sql
from pipeline.paths import PROJECT_ROOT
from pipeline.redact import redact
from pipeline.settings import settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def code_version() -> str:
    """PIPELINE_CODE_VERSION (set in images), else the git commit of the checkout."""
    if version := settings().code_version:
        return version
    try:
        sha = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=5).stdout.strip()
        return f"{__version__}+g{sha}{'.dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return __version__


class StepRun:
    def __init__(self, run_id: uuid.UUID):
        self.run_id = run_id
        self.rows_written: int | None = None
        self.message: str | None = None


def reap_dead_runs(conn, own_run_id: uuid.UUID) -> list[tuple]:
    """Close as failed every other 'running' run whose process no longer holds its lock."""
    dead = run_sql(conn, "ops/reap_dead_runs.sql", {"run_id": own_run_id}).fetchall()
    for run_id, step, game, partition in dead:
        log.warning("closed abandoned run %s (%s %s %s): its process ended before finishing",
                    run_id, step, game or "", partition or "")
    return dead


def _failure_text(exc: BaseException) -> str:
    """The failure as the CLI reports it (one line) when it is a known one, else type: text."""
    try:
        from pipeline.failures import error_line

        if handled := error_line(exc):
            return handled[0]
    except Exception:  # noqa: BLE001 - recording the failure must not raise a new one
        pass
    return f"{type(exc).__name__}: {exc}"


@contextmanager
def step_run(step: str, game: str | None, partition: str | None, params: dict | None = None,
             *, skip_checks: bool = False):
    run = StepRun(uuid.uuid4())
    holder = connect(autocommit=True)
    try:
        run_sql(holder, "ops/hold_run_lock.sql", {"run_id": run.run_id})
        run_sql(holder, "ops/start_run.sql", {
            "run_id": run.run_id, "step": step, "game": game, "partition": partition,
            # Redacted: a parameter (a source URL) may carry a password.
            "params": redact(json.dumps(params or {}, default=str)),
            "code_version": code_version(),
            "skip_checks": skip_checks})
        reap_dead_runs(holder, run.run_id)
    except BaseException:
        holder.close()
        raise
    status, message = "success", None
    try:
        yield run
    except BaseException as exc:
        status, message = "failed", _failure_text(exc)
        raise
    finally:
        try:
            # A fresh connection: the step may have outlived the holder's (server restart).
            with connect(autocommit=True) as conn:
                run_sql(conn, "ops/finish_run.sql", {
                    "status": status, "rows_written": run.rows_written,
                    # A libpq error can quote the connection string: never stored as is.
                    "message": redact(message or run.message or "")[:2000] or None,
                    "run_id": run.run_id})
        finally:
            holder.close()
