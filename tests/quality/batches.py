"""Build bad batches from the real draws: CSV files for ingest, staged rows for the gate."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from pathlib import Path

from tests.conftest import NORMALIZED, NY_EXPORT

HEADER = "draw_date,white_1,white_2,white_3,white_4,white_5,powerball,multiplier"


def real_rows(year: int) -> list[list[str]]:
    """The real normalized draws of one year, as CSV fields."""
    with open(NORMALIZED, newline="") as fh:
        return [r for r in list(csv.reader(fh))[1:] if r[0].startswith(f"{year}-")]


def write_csv(path: Path, rows: list[list[str]], header: str = HEADER) -> str:
    lines = [header] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def next_non_draw_day(day: str) -> str:
    """The day after a Wednesday/Saturday draw: a Thursday/Sunday, never a Powerball draw day."""
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def dates_missing_from_ny_export() -> list[str]:
    """Draw dates the normalized truth has and the NY export lacks, counted from the files."""
    with open(NORMALIZED, newline="") as fh:
        truth = {r[0] for r in list(csv.reader(fh))[1:]}
    with open(NY_EXPORT, newline="") as fh:
        ny = set()
        for r in list(csv.reader(fh))[1:]:
            month, day, year = r[0].split("/")
            ny.add(f"{year}-{month}-{day}")
    return sorted(truth - ny)


def stage_published_copy(conn, game: str = "powerball", year: int = 2016) -> str:
    """Stage one year of published draws as a new batch (bypassing row validation)."""
    batch_id = str(uuid.uuid4())
    conn.execute("insert into ops.ingest_batches (batch_id, game, source, rows_read)"
                 " select %(b)s, %(g)s, 'test:staged-copy', count(*) from bronze.draws"
                 " where game = %(g)s and extract(year from draw_date) = %(y)s",
                 {"b": batch_id, "g": game, "y": year})
    conn.execute(
        "insert into staging.draws (batch_id, line_no, game, draw_date, white_1, white_2,"
        " white_3, white_4, white_5, special_ball, multiplier, white_order_source, era, source,"
        " record_hash)"
        " select %(b)s, row_number() over (order by draw_date) + 1, game, draw_date, white_1,"
        " white_2, white_3, white_4, white_5, special_ball, multiplier, white_order_source, era,"
        " 'test:staged-copy', record_hash from bronze.draws"
        " where game = %(g)s and extract(year from draw_date) = %(y)s",
        {"b": batch_id, "g": game, "y": year})
    return batch_id
