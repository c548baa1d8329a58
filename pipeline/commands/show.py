"""`show --game G [--json]`: the answer on one screen - freshness, next-draw picks, the verdict.

Read-only: nothing is written, not even an ops.runs row. Text for people by default; `--json`
prints the same content as one JSON object.
"""

from __future__ import annotations

import argparse
import textwrap

from pipeline.commands.options import add_game
from pipeline.games import WEEKDAYS


def configure(parser):
    add_game(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    parser.add_argument("--top", type=_top, default=10, metavar="N",
                        help="leaderboard rows to show, 1-100 (default 10)")


def _top(value: str) -> int:
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 100):
        raise argparse.ArgumentTypeError(f"{value[:20]!r} is not a number from 1 to 100")
    return int(value)


def run(args):
    from pipeline.db import connect
    from pipeline.errors import PipelineError
    from pipeline.games import get_game
    from pipeline.gold.summary import read_summary

    game = get_game(args.game)
    with connect() as conn:
        summary = read_summary(conn, game, top=args.top)
    if summary.latest_draw is None:
        raise PipelineError(f"no {game.id} draws in bronze: run ingest first "
                            f"(python -m pipeline ingest --game {game.id} --source FILE_OR_URL)")
    return summary.as_dict() if args.json else render(summary)


def _day(d) -> str:
    return f"{WEEKDAYS[d.weekday()]} {d}"


def render(summary) -> str:
    """The text `show` prints (lines under 100 characters)."""
    from pipeline.gold.summary import ci_text, mean_vs_random, p_text, ticket_text

    game, fresh, latest = summary.game, summary.freshness, summary.latest_draw
    g = game.id
    lines = [f"{game.display_name} ({g}), today {fresh.today} ({game.timezone})", ""]
    lines.append(f"Latest draw  {_day(latest['draw_date'])}   "
                 f"{ticket_text(latest['whites'], latest['special_ball'])}"
                 f"   ({fresh.n_draws} draws in bronze)")
    if fresh.stale:
        lines.append(f"Freshness    stale: {fresh.sentence()}")
        lines.append(f"             run: python -m pipeline ingest --game {g} "
                     "--source FILE_OR_URL")
    else:
        lines.append(f"Freshness    {fresh.sentence()}")
    lines.append(f"Next draw    {_day(fresh.next_draw)}")
    lines.append("")
    target = summary.picks_target
    if target is None:
        lines.append(f"Picks: none yet; run: python -m pipeline predict --game {g} "
                     f"--for-date {fresh.next_draw}")
    else:
        note = "" if target == fresh.next_draw else (
            f"; not the next draw: run predict --game {g} --for-date {fresh.next_draw}")
        lines.append(f"Picks for {_day(target)}{note}")
        for p in summary.picks:
            when = "" if p["target_draw_date"] == target else f"   (for {p['target_draw_date']})"
            for i, (whites, special) in enumerate(p["tickets"]):
                name = p["model"] if i == 0 else ""
                lines.append(f"  {name:<14}{ticket_text(whites, special)}{when}")
        lines.append("  (every ticket has the same odds as any other: see the verdict below)")
    lines.append("")
    if summary.verdict is None:
        lines.append("Verdict: none yet - nothing is scored in gold. Run:")
        lines.append(f"  python -m pipeline backtest --game {g} --from DATE --to DATE")
        lines.append(f"  python -m pipeline evaluate --game {g}")
        return "\n".join(lines)
    lines.extend(textwrap.wrap(f"Verdict: {summary.verdict['sentence']}", 96,
                               subsequent_indent="  "))
    lines.append("")
    lines.append(_board(summary.leaderboard, ci_text, mean_vs_random, p_text))
    lines.append("mean vs random: white matches per ticket against the exact random "
                 "expectation.")
    lines.append("adj. p: Holm over every test gold stores for the game (family: how many).")
    lines.append("All columns: the gold.leaderboard view; the report has them too.")
    return "\n".join(lines)


def _board(rows, ci_text, mean_vs_random, p_text) -> str:
    out, era = [], None
    configs: dict[str, set] = {}
    for r in rows:
        configs.setdefault(r["model_name"], set()).add(r.get("config_id"))
    header = (f"  {'model':<16}{'draws':>6}  {'mean vs random':<16}{'95% CI':<13}"
              f"{'adj. p':>8}{'family':>8}  verdict")
    for r in rows:
        if r["era"] != era:
            era = r["era"]
            out.append(f"Leaderboard, era from {era} (all-time, best evidence first)")
            out.append(header)
        several = len(configs[r["model_name"]]) > 1  # tell configurations apart only then
        name = r["model_name"] + (f" {r['config_id'][:6]}" if several else "")
        out.append(f"  {name[:15]:<16}{r['n_draws']:>6}  {mean_vs_random(r):<16}"
                   f"{ci_text(r):<13}{p_text(r['p_value_adjusted']):>8}"
                   f"{(r['family_size'] if r['family_size'] is not None else '-'):>8}  "
                   f"{r['verdict'] or '-'}")
    return "\n".join(out)
