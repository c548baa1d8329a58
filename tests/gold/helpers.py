"""Controlled silver rows for gold tests (the silver code fills them in production)."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.conftest import NORMALIZED


def load_bronze() -> None:
    """The real Powerball history 2010-2025 in bronze, through the real ingest."""
    from pipeline.bronze.ingest import ingest

    ingest("powerball", str(NORMALIZED), today=dt.date(2026, 1, 1))


def model_run(conn, model: str, game: str = "powerball") -> uuid.UUID:
    run_id = uuid.uuid4()
    conn.execute(
        "insert into silver.model_runs (model_run_id, model_name, model_version, game,"
        " code_version) values (%s, %s, 'test', %s, 'test')", (run_id, model, game))
    return run_id


def predict(conn, model: str, run_id, day, ticket: int, whites, special: int,
            era: str | None = None, game: str = "powerball") -> None:
    """Upsert one ticket, as silver's key (model, game, target, ticket) does."""
    from pipeline.games import get_game

    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    era = era or get_game(game).era_for(day).name
    conn.execute(
        "insert into silver.predictions (model_name, model_run_id, game, target_draw_date,"
        " ticket, white_1, white_2, white_3, white_4, white_5, special_ball, era)"
        " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " on conflict (model_name, game, target_draw_date, ticket) do update set"
        " model_run_id = excluded.model_run_id, white_1 = excluded.white_1,"
        " white_2 = excluded.white_2, white_3 = excluded.white_3, white_4 = excluded.white_4,"
        " white_5 = excluded.white_5, special_ball = excluded.special_ball,"
        " era = excluded.era, created_at = now()",
        (model, run_id, game, day, ticket, *sorted(whites), special, era))


def draw(conn, day, game: str = "powerball") -> tuple[list[int], int]:
    row = conn.execute(
        "select white_1, white_2, white_3, white_4, white_5, special_ball from bronze.draws"
        " where game = %s and draw_date = %s", (game, day)).fetchone()
    return list(row[:5]), row[5]


def draw_dates(conn, start: str, end: str, game: str = "powerball") -> list[dt.date]:
    return [r[0] for r in conn.execute(
        "select draw_date from bronze.draws where game = %s and draw_date between %s and %s"
        " order by draw_date", (game, start, end))]


def snapshot(conn, table: str) -> list[tuple]:
    """Every row of a gold table, in a stable order (for before/after comparisons)."""
    return conn.execute(f"select * from {table} order by 1, 2, 3, 4, 5").fetchall()  # noqa: S608
