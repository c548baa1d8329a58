"""`report`: one self-contained HTML file (figures embedded as base64 PNG) about one game.

It leads with its conclusion: the verdict sentence, a short leaderboard (full columns folded
below), the next draw's picks; then how each model did over time, and an exploration of the
draws in which every figure stands beside its exact expectation under random draws
(pipeline/gold/exploration.py). Nothing is fetched from elsewhere when the file is opened.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from pipeline.db import connect, run_sql
from pipeline.errors import PipelineError
from pipeline.games import get_game
from pipeline.gold import exploration as ex
from pipeline.gold import report_plots as plots
from pipeline.gold import report_sections as sec
from pipeline.gold.summary import read_summary

METHOD = (
    "Every model is compared with a uniformly random ticket of the same rule era. p-values are "
    "one-sided (\"more white matches than random\"), exact, with the draw as the unit; the "
    "adjusted p-value is Holm's adjustment over every test gold stores for the game (the family "
    "size says how many). A model is said to beat random only when a lead found on earlier "
    "draws is confirmed on later draws that played no part in finding it; the random model is "
    "a control that must never lead. Return per play excludes jackpots, which have no fixed "
    "prize. Details: docs/gold.md.")
EXPLORE = (
    "What people look for in past draws - hot numbers, overdue numbers, lucky pairs, lucky days "
    "- each beside what uniformly random draws give by chance, computed exactly from the era's "
    "rules. Deviations of the size shown are what chance produces; none of these figures "
    "changes the odds of the next draw, which is independent of every draw before it.")
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1180px;margin:0 auto;padding:0 24px;"
    "color:#222;line-height:1.45}"
    "h1{font-size:28px;margin-bottom:4px}h2{margin-top:36px;border-bottom:1px solid #ccc}"
    ".meta{color:#555;font-size:14px}"
    ".verdict{font-size:20px;background:#f3f6fb;border-left:6px solid #3869b4;padding:12px 16px}"
    ".warn{background:#fff4e0;border-left:6px solid #d08a00;padding:8px 12px}"
    "table.t{border-collapse:collapse;font-size:14px;margin:8px 0}"
    "table.t td,table.t th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left;"
    "vertical-align:top}"
    "table.t td{white-space:nowrap}table.t td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    "table.board td:last-child{white-space:normal}"
    "table.board td:last-child{font-size:12px;color:#555;max-width:360px}"
    "table.wide{font-size:12px}table.compact{font-size:12px}"
    "table.wide td{white-space:normal;overflow-wrap:anywhere;max-width:260px}"
    ".cols{display:flex;flex-wrap:wrap;column-gap:24px;align-items:flex-start}"
    "details{margin:8px 0}summary{cursor:pointer;color:#3869b4}"
    "img{max-width:100%;height:auto}code{font-size:13px}")


def _frame(conn, relative: str, game: str) -> pd.DataFrame:
    cur = run_sql(conn, relative, {"game": game})
    return pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])


def _img(data: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def read(game_id: str) -> dict:
    game = get_game(game_id)
    with connect() as conn:
        data = {
            "summary": read_summary(conn, game, top=1000),
            "board": _frame(conn, "gold/report_leaderboard.sql", game_id),
            "series": _frame(conn, "gold/report_draw_series.sql", game_id),
            "tiers": _frame(conn, "gold/report_tier_counts.sql", game_id),
            "freq": _frame(conn, "gold/report_number_frequency.sql", game_id),
            "draws": ex.draws_by_era(run_sql(conn, "gold/report_draws.sql",
                                             {"game": game_id}).fetchall()),
        }
    if not data["draws"]:
        raise PipelineError(f"no {game_id} draws in bronze: run ingest first "
                            f"(python -m pipeline ingest --game {game_id} --source FILE_OR_URL)")
    if data["board"].empty:
        raise PipelineError(
            f"nothing is scored in gold for {game_id}, so there is no report to write: run "
            f"python -m pipeline backtest --game {game_id} --from DATE --to DATE, then "
            f"python -m pipeline evaluate --game {game_id}")
    return data


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v)
             for k, v in row.items()} for row in frame.to_dict("records")]


def _models_over_time(game, data, counter) -> list[str]:
    parts, series, tiers = [], data["series"], data["tiers"]
    for era in sorted(series["era"].unique(), reverse=True) if not series.empty else []:
        parts.append(f"<h3>Era from {html.escape(era)}</h3>")
        parts.append(_img(plots.mean_matches_over_time(game, era, series[series["era"] == era]),
                          f"mean matches, era {era}"))
        counter.append(1)
        era_tiers = tiers[tiers["era"] == era]
        if not era_tiers.empty:
            parts.append(_img(plots.prize_tier_counts(era, era_tiers), f"prize tiers, {era}"))
            counter.append(1)
    return parts


def _explore_era(game, era_name, draws, freq, counter) -> str:
    era = game.era_named(era_name)
    parts = []
    for ball in ("white", "special"):
        label = "white" if ball == "white" else game.special_name
        rows = ex.number_table(era, draws, ball)
        g = freq[(freq["era"] == era_name) & (freq["ball_type"] == ball)] if not freq.empty \
            else freq
        if not g.empty:
            parts.append(_img(plots.number_frequency(era_name, label, g),
                              f"{label} frequency {era_name}"))
            counter.append(1)
        parts.append(_img(plots.current_gaps(era_name, label, rows), f"{label} gaps {era_name}"))
        counter.append(1)
        parts.append(f"<details><summary>Every {html.escape(label)} number: count, last seen, "
                     f"draws since, expected</summary>{sec.numbers_table(rows)}</details>")
    parts.append("<h4>Most frequent white pairs</h4>"
                 f"<p>Expected count of any one pair: "
                 f"{ex.pair_expected(era, len(draws)):.2f}. The last column is how many of all "
                 "pairs reach that count by chance alone.</p>" + sec.pairs_table(
                     ex.top_pairs(era, draws)))
    sums = ex.sum_summary(era, draws)
    parts.append("<h4>Sum of the five white balls</h4>" + sec.sum_table(sums))
    parts.append(_img(plots.sum_distribution(era_name, sums), f"white sums {era_name}"))
    counter.append(1)
    parts.append("<h4>Day of the week</h4>" + sec.weekday_table(ex.weekday_table(game, era, draws)))
    return "".join(parts)


def build_report(game_id: str, out: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    game = get_game(game_id)
    data = read(game_id)
    summary, board = data["summary"], _records(data["board"])
    figures: list[int] = []
    parts = [f"<h1>{html.escape(game.display_name)}: do the models beat random tickets?</h1>",
             sec.generated_line(summary), sec.verdict_block(summary.verdict, game_id),
             "<h2>Leaderboard</h2>", sec.short_leaderboard(board),
             "<p class='meta'>mean vs random: white matches per ticket against the exact "
             "random expectation; 95% CI of the model's mean; adjusted p: Holm over the "
             "family of every test gold stores for the game.</p>",
             "<details><summary>All leaderboard columns (one column per model)</summary>",
             sec.full_leaderboard(board), "</details>",
             "<h2>Next draw: the models' picks</h2>", sec.picks_section(summary, game),
             "<h2>How the models did over time</h2>",
             *_models_over_time(game, data, figures),
             "<h2>Exploring the draws, beside the exact expectation</h2>",
             f"<p>{html.escape(EXPLORE)}</p>"]
    eras = sorted(data["draws"], reverse=True)
    for i, era_name in enumerate(eras):
        draws = data["draws"][era_name]
        title = sec.era_title(game, game.era_named(era_name), draws)
        body = _explore_era(game, era_name, draws, data["freq"], figures)
        if i == 0:  # the current era open; older eras folded
            parts.append(f"<h3>{title}</h3>{body}")
        else:
            parts.append(f"<details><summary>{title}</summary>{body}</details>")
    parts += ["<h2>Method</h2>", f"<p>{html.escape(METHOD)}</p>"]
    page = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(game.display_name)} report</title><style>{STYLE}</style>"
            "</head><body>" + "\n".join(parts) + "</body></html>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page)
    return {"game": game_id, "out": str(out), "figures": len(figures),
            "models": len({r["model_name"] for r in board}), "eras_explored": len(eras),
            "verdict": summary.verdict["sentence"] if summary.verdict else None,
            "bytes": out.stat().st_size}
