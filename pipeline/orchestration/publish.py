"""The run's last step: refresh gold's materialized views and summarise what each layer holds.

The summary (rows and latest date per layer for the game, the leaderboard's first rows) is the
step's JSON result and is recorded in ops.runs, so a run's end state can be queried later.
"""

from __future__ import annotations

import logging

from psycopg import sql
from psycopg.rows import dict_row

from pipeline.db import advisory_xact_lock, connect, ident, load_sql, run_sql

log = logging.getLogger(__name__)

# layer -> (table, its date column); an allow-list for the composed summary query.
LAYER_TABLES = {
    "bronze": ("bronze.draws", "draw_date"),
    "features": ("silver.number_features", "draw_date"),
    "predictions": ("silver.predictions", "target_draw_date"),
    "gold": ("gold.prediction_results", "target_draw_date"),
}
_TABLES = frozenset(t for t, _ in LAYER_TABLES.values())
_DATE_COLUMNS = frozenset(c for _, c in LAYER_TABLES.values())


def _columns(conn, relation: str) -> set[str]:
    return {r[0] for r in run_sql(conn, "orchestration/relation_columns.sql",
                                  {"relation": relation})}


def layer_summary(conn, game: str) -> dict:
    summary = {}
    for layer, (table, date_col) in LAYER_TABLES.items():
        cols = _columns(conn, table)
        if "game" not in cols:
            summary[layer] = None  # not in this build yet
            continue
        latest = (sql.SQL("max({})").format(ident(_DATE_COLUMNS, date_col))
                  if date_col in cols else sql.SQL("null"))
        query = sql.SQL("select count(*), {} from {} where game = %s").format(
            latest, ident(_TABLES, table))
        rows, last = conn.execute(query, (game,)).fetchone()
        summary[layer] = {"rows": rows, "latest": last.isoformat() if last else None}
    return summary


def refresh_gold(conn, game: str) -> list[str]:
    refreshed = []
    with conn.transaction():
        advisory_xact_lock(conn, "gold", game)
        views = run_sql(conn, "orchestration/gold_matviews.sql").fetchall()
        for schema, name in views:
            conn.execute(sql.SQL("refresh materialized view {}").format(
                sql.Identifier(schema, name)))  # names from the catalog, not from input
            refreshed.append(f"{schema}.{name}")
    return refreshed


def leaderboard(conn, game: str, limit: int = 20) -> list[dict]:
    if not _columns(conn, "gold.leaderboard"):
        return []
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(load_sql("orchestration/leaderboard.sql"), {"game": game, "limit": limit})
        return cur.fetchall()


def publish(game: str) -> dict:
    with connect() as conn:
        refreshed = refresh_gold(conn, game)
        conn.commit()
        summary = layer_summary(conn, game)
        board = leaderboard(conn, game)
    return {"game": game, "refreshed": refreshed, "layers": summary, "leaderboard": board}
