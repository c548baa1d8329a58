"""Where the project's files live: SQL, data, local state (PIPELINE_*_DIR, see settings.py)."""

from __future__ import annotations

from pathlib import Path

from pipeline.settings import PROJECT_ROOT, settings

__all__ = ["PROJECT_ROOT", "data_dir", "sql_dir", "state_dir"]


def sql_dir() -> Path:
    return settings().sql_dir


def state_dir() -> Path:
    """Project-local folder for the embedded database and Airflow's local metadata."""
    return settings().state_dir


def data_dir() -> Path:
    return settings().data_dir
