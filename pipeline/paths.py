"""Where the project's files live: SQL, data, local state."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def sql_dir() -> Path:
    return Path(os.environ.get("PIPELINE_SQL_DIR") or PROJECT_ROOT / "sql")


def state_dir() -> Path:
    """Project-local folder for the embedded database and Airflow's local metadata."""
    return Path(os.environ.get("PIPELINE_STATE_DIR") or PROJECT_ROOT / ".drawpipe")


def data_dir() -> Path:
    return Path(os.environ.get("PIPELINE_DATA_DIR") or PROJECT_ROOT / "data")
