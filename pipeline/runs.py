"""ops.runs: one row per step execution, written on its own connection so it survives failures.

The connection that starts a run stays open until the step ends, holding a session lock on
the run: that is how a later step tells a run whose process was killed (lock free) from one
still working, and closes the dead one as failed instead of leaving it 'running' forever.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import uuid
from contextlib import contextmanager
from functools import lru_cache

from pipeline import __version__
from pipeline.db import connect, run_sql
from pipeline.paths import PROJECT_ROOT

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def code_version() -> str:
    """PIPELINE_CODE_VERSION (set in images), else the git commit of the checkout."""
    if env := os.environ.get("PIPELINE_CODE_VERSION"):
        return env
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


@contextmanager
def step_run(step: str, game: str | None, partition: str | None, params: dict | None = None,
             *, skip_checks: bool = False):
    run = StepRun(uuid.uuid4())
    holder = connect(autocommit=True)
    try:
        run_sql(holder, "ops/hold_run_lock.sql", {"run_id": run.run_id})
        run_sql(holder, "ops/start_run.sql", {
            "run_id": run.run_id, "step": step, "game": game, "partition": partition,
            "params": json.dumps(params or {}, default=str), "code_version": code_version(),
            "skip_checks": skip_checks})
        reap_dead_runs(holder, run.run_id)
    except BaseException:
        holder.close()
        raise
    status, message = "success", None
    try:
        yield run
    except BaseException as exc:
        status, message = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        try:
            # A fresh connection: the step may have outlived the holder's (server restart).
            with connect(autocommit=True) as conn:
                run_sql(conn, "ops/finish_run.sql", {
                    "status": status, "rows_written": run.rows_written,
                    "message": message or run.message, "run_id": run.run_id})
        finally:
            holder.close()
