"""ops.runs: one row per step execution, written on its own connection so it survives failures."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from contextlib import contextmanager
from functools import lru_cache

from pipeline import __version__
from pipeline.db import connect
from pipeline.paths import PROJECT_ROOT


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


@contextmanager
def step_run(step: str, game: str | None, partition: str | None, params: dict | None = None,
             *, skip_checks: bool = False):
    run = StepRun(uuid.uuid4())
    with connect(autocommit=True) as conn:
        conn.execute(
            "insert into ops.runs (run_id, step, game, partition, params, code_version,"
            " skip_checks) values (%s, %s, %s, %s, %s::jsonb, %s, %s)",
            (run.run_id, step, game, partition, json.dumps(params or {}, default=str),
             code_version(), skip_checks))
    status, message = "success", None
    try:
        yield run
    except BaseException as exc:
        status, message = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        with connect(autocommit=True) as conn:
            conn.execute(
                "update ops.runs set status = %s, rows_written = %s, message = %s,"
                " finished_at = now() where run_id = %s",
                (status, run.rows_written, message or run.message, run.run_id))
