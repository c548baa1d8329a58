"""Shared set-up for silver tests: bronze loaded from the real Powerball history (or part of it),
steps called in-process (the `history` fixture gives the whole history without an ingest)."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.conftest import NORMALIZED, call_cli, last_json


def real_draws() -> list[dict]:
    with open(NORMALIZED, newline="") as fh:
        return list(csv.DictReader(fh))


def write_draws(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def ingest(source) -> dict:
    return last_json(call_cli("ingest", "--game", "powerball", "--source", str(source),
                             check=True))


def ingest_until(tmp_path: Path, last_day: str) -> Path:
    """Load the real draws up to and including `last_day`; returns the file written."""
    rows = [r for r in real_draws() if r["draw_date"] <= last_day]
    path = write_draws(tmp_path / f"draws_until_{last_day}.csv", rows)
    ingest(path)
    return path


def cli_json(*args: str) -> dict:
    return last_json(call_cli(*args, check=True))
