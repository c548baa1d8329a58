"""The report's HTML sections, each a function of already-read data returning an HTML string.

Tables stay narrow enough for a 1280 px window: the leaderboard's short table has eight
columns; its full columns are folded below it and transposed (one column per model), so adding
a metric adds a row, never width.
"""

from __future__ import annotations

import datetime as dt
import html
import math

from pipeline.games import WEEKDAYS, Era, Game
from pipeline.gold.summary import ci_text, mean_vs_random, p_text, ticket_text

_HIDDEN = ("game", "config")  # the same on every row / long JSON (config_id names it)


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def fmt(value) -> str:
    """A cell: floats to 4 significant digits, booleans as yes/no, None as blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return esc(value)


def table(headers: list[str], rows: list[list], numeric: set[int] | None = None,
          cls: str = "t") -> str:
    """Rows are already-formatted HTML cells; `numeric` columns are right-aligned."""
    numeric = numeric or set()
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{c}</td>"
                         for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def verdict_block(verdict: dict | None, game_id: str) -> str:
    if verdict is None:
        return ("<p class='verdict'>No verdict yet: gold has scored predictions but no "
                f"verdict summary. Run <code>python -m pipeline evaluate --game "
                f"{esc(game_id)}</code>.</p>")
    return f"<p class='verdict'>{esc(verdict['sentence'])}</p>"


def short_leaderboard(rows: list[dict]) -> str:
    """model, era, draws, mean vs random, CI, adjusted p, family size, verdict."""
    configs: dict[str, set] = {}
    for r in rows:
        configs.setdefault(r["model_name"], set()).add(r.get("config_id"))
    body = []
    for r in rows:
        name = r["model_name"]
        if len(configs[name]) > 1:
            name += f" ({r['config_id'][:8]})"
        body.append([esc(name), esc(r["era"]), fmt(r["n_draws"]), esc(mean_vs_random(r)),
                     esc(ci_text(r)), esc(p_text(r["p_value_adjusted"])),
                     fmt(r.get("family_size")), f"<b>{esc(r['verdict'])}</b>",
                     esc(r.get("verdict_reason"))])
    return table(["model", "era", "draws", "mean vs random", "95% CI", "adjusted p",
                  "family size", "verdict", "why"], body, numeric={2, 5, 6}, cls="t board")


def full_leaderboard(rows: list[dict]) -> str:
    """Every column, transposed per era: one column per model, one row per metric."""
    parts = []
    eras = list(dict.fromkeys(r["era"] for r in rows))
    for era in eras:
        in_era = [r for r in rows if r["era"] == era]
        columns = [c for c in in_era[0] if c not in _HIDDEN]
        headers = ["column"] + [r["model_name"] + (f" {r['config_id'][:6]}"
                                                   if len(in_era) > len({x["model_name"]
                                                                         for x in in_era})
                                                   else "") for r in in_era]
        body = [[f"<code>{esc(c)}</code>"] + [fmt(r[c]) for r in in_era] for c in columns]
        parts.append(f"<h4>Era from {esc(era)}</h4>"
                     + table(headers, body, numeric=set(range(1, len(headers))), cls="t wide"))
    return "".join(parts)


def picks_section(summary, game: Game) -> str:
    fresh = summary.freshness
    target = summary.picks_target
    parts = []
    if fresh.stale:
        parts.append(f"<p class='warn'>Bronze is stale: {esc(fresh.sentence())}. Picks made "
                     "now miss those draws; run <code>python -m pipeline ingest</code> "
                     "first.</p>")
    if target is None:
        parts.append(f"<p>No picks yet. Run <code>python -m pipeline predict --game "
                     f"{esc(game.id)} --for-date {fresh.next_draw}</code>.</p>")
        return "".join(parts)
    day = f"{WEEKDAYS[target.weekday()]} {target}"
    note = "" if target == fresh.next_draw else (
        f" (the next scheduled draw is {fresh.next_draw}: run <code>python -m pipeline "
        f"predict --game {esc(game.id)} --for-date {fresh.next_draw}</code>)")
    parts.append(f"<p>Each model's tickets for its latest target draw, <b>{esc(day)}</b>"
                 f"{note}. Every ticket has the same odds; the leaderboard says whether any "
                 "model's picks have done better than random ones.</p>")
    rows = []
    for p in summary.picks:
        status = "pending" if p["pending"] else "drawn"
        for whites, special in p["tickets"]:
            rows.append([esc(p["model"]), esc(p["target_draw_date"]),
                         f"<code>{esc(ticket_text(whites, special))}</code>", status])
    parts.append(table(["model", "target draw", f"whites + {game.special_name}", "status"],
                       rows))
    return "".join(parts)


def numbers_table(rows: list[dict], chunks: int = 2) -> str:
    """Per-number rows as `chunks` tables side by side (they wrap on a narrow window)."""
    body = [[fmt(r["number"]), fmt(r["count"]), f"{r['expected_count']:.1f}",
             esc(r["last_seen"] or "never"), fmt(r["current_gap"]), f"{r['expected_gap']:.1f}"]
            for r in rows]
    size = -(-len(body) // chunks)
    tables = [table(["number", "count", "expected", "last seen", "draws since",
                     "expected gap"], body[i:i + size], numeric={0, 1, 2, 4, 5},
                    cls="t compact") for i in range(0, len(body), size)]
    return "<div class='cols'>" + "".join(tables) + "</div>"


def pairs_table(rows: list[dict]) -> str:
    body = [[f"{r['pair'][0]} &amp; {r['pair'][1]}", fmt(r["count"]),
             f"{r['expected_count']:.2f}", f"{r['pairs_at_least']:.1f} of {r['n_pairs']}"]
            for r in rows]
    return table(["pair", "count", "expected count", "pairs this frequent by chance"], body,
                 numeric={1, 2, 3})


def weekday_table(rows: list[dict]) -> str:
    body = [[esc(r["weekday"]), fmt(r["draws"]), fmt(r["scheduled"]),
             "" if r["mean_sum"] is None else f"{r['mean_sum']:.1f}",
             f"{r['expected_mean_sum']:.1f}",
             "" if r["sd_of_mean"] is None else f"&plusmn;{1.96 * r['sd_of_mean']:.1f}"]
            for r in rows]
    return table(["weekday", "draws", "scheduled", "mean white sum", "expected",
                  "95% range of the mean"], body, numeric={1, 2, 3, 4, 5})


def sum_table(s: dict) -> str:
    body = [["mean", f"{s['mean']:.1f}" if s["mean"] is not None else "",
             f"{s['expected_mean']:.1f}"],
            ["standard deviation", f"{s['sd']:.1f}" if s["sd"] is not None else "",
             f"{s['expected_sd']:.1f}"]]
    return table(["white sum", "observed", "exact expectation"], body, numeric={1, 2})


def era_title(game: Game, era: Era, draws: list) -> str:
    first, last = draws[0].day, draws[-1].day
    return (f"Era from {esc(era.name)}: whites 1-{era.white_max}, {esc(game.special_name)} "
            f"1-{era.special_max}; {len(draws)} draws in bronze, {first} to {last}")


def generated_line(summary) -> str:
    fresh = summary.freshness
    evaluated = summary.verdict["evaluated_at"] if summary.verdict else None
    parts = [f"Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
             f"latest draw in bronze {fresh.latest_draw}"
             + (f", {len(fresh.missing)} scheduled draws missing since" if fresh.stale else "")]
    if evaluated is not None:
        parts.append(f"gold evaluated {evaluated.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC")
    return "<p class='meta'>" + "; ".join(parts) + ".</p>"
