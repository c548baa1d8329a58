"""`report`: one self-contained HTML file (figures embedded as base64 PNG) about one game."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from pipeline.db import connect, run_sql
from pipeline.games import get_game
from pipeline.gold import report_plots as plots

INTRO = (
    "Every figure compares a model with a uniformly random ticket of the same rule era. "
    "p-values are one-sided (\"more white matches than random\"), exact, with the draw as the "
    "unit, and Holm-adjusted over the models compared; a model is called better than random "
    "only when the adjusted p-value is below 0.05. Return per play excludes jackpots, which "
    "have no fixed prize. Method: docs/gold.md.")


def _frame(conn, relative: str, game: str) -> pd.DataFrame:
    cur = run_sql(conn, relative, {"game": game})
    return pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])


def _img(data: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="",
                      border=0, classes="t")


def build_report(game_id: str, out: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    game = get_game(game_id)
    with connect() as conn:
        board = _frame(conn, "gold/report_leaderboard.sql", game_id)
        series = _frame(conn, "gold/report_draw_series.sql", game_id)
        tiers = _frame(conn, "gold/report_tier_counts.sql", game_id)
        freq = _frame(conn, "gold/report_number_frequency.sql", game_id)
    parts = [f"<h1>{html.escape(game.display_name)}: predictions against random</h1>",
             f"<p>Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. "
             f"{html.escape(INTRO)}</p>", "<h2>Leaderboard (all-time, per era)</h2>",
             _table(board) if not board.empty else "<p>No scored predictions yet.</p>"]
    figures = 0
    for era in sorted(series["era"].unique(), reverse=True) if not series.empty else []:
        parts.append(f"<h2>Era from {html.escape(era)}</h2>")
        parts.append(_img(plots.mean_matches_over_time(game, era, series[series["era"] == era]),
                          f"mean matches, era {era}"))
        era_tiers = tiers[tiers["era"] == era]
        if not era_tiers.empty:
            parts.append(_img(plots.prize_tier_counts(era, era_tiers), f"prize tiers, {era}"))
        figures += 1 + (not era_tiers.empty)
    if not freq.empty:
        parts.append("<h2>Number frequency against uniform, per era</h2>")
        for (era, ball), g in freq.groupby(["era", "ball_type"], sort=True):
            parts.append(_img(plots.number_frequency(era, ball, g), f"{ball} frequency {era}"))
            figures += 1
    page = ("<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(game.display_name)} report</title><style>"
            "body{font-family:sans-serif;max-width:1000px;margin:auto}"
            "table.t{border-collapse:collapse;font-size:12px}"
            "table.t td,table.t th{padding:2px 6px;border-bottom:1px solid #ddd}"
            "img{max-width:100%}</style></head><body>" + "\n".join(parts) + "</body></html>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page)
    return {"game": game_id, "out": str(out), "figures": figures, "models": len(board),
            "bytes": out.stat().st_size}
