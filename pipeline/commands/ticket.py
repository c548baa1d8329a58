"""`ticket --game G --numbers "1 2 3 4 5 + 6" [--json]`: one ticket over every draw in bronze.

Matches, prize tiers won and money returned against money spent, per era the ticket is valid
in, each beside the exact expectation of a random ticket. Read-only.
"""

from __future__ import annotations

import argparse
import re
import textwrap

from pipeline.commands.options import add_game

_NUMBER = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() also accepts '²' and '٢'


def numbers(value: str):
    """'1 2 3 4 5 + 6' (commas allowed) -> Ticket; the shape, digits and distinctness."""
    from pipeline.gold.ticket_history import Ticket

    shown = value[:60]
    if value.count("+") != 1:
        raise argparse.ArgumentTypeError(
            f"{shown!r}: write five white balls, '+', then the special ball, e.g. "
            "\"1 2 3 4 5 + 6\"")
    left, right = value.split("+")
    whites, special = left.replace(",", " ").split(), right.replace(",", " ").split()
    bad = [t for t in whites + special if not _NUMBER.fullmatch(t)]
    if bad:
        raise argparse.ArgumentTypeError(
            f"{bad[0][:20]!r} is not a number (ASCII digits 0-9 only)")
    if len(whites) != 5 or len(special) != 1:
        raise argparse.ArgumentTypeError(
            f"{shown!r}: needs exactly 5 white balls and 1 special ball, got "
            f"{len(whites)} + {len(special)}")
    values = sorted(int(w) for w in whites)
    if len(set(values)) != 5:
        raise argparse.ArgumentTypeError(f"{shown!r}: the five white balls must be distinct")
    return Ticket(tuple(values), int(special[0]))


def configure(parser):
    add_game(parser)
    parser.add_argument("--numbers", type=numbers, required=True,
                        help='the ticket: five white balls, "+", the special ball '
                        '(e.g. "1 2 3 4 5 + 6")')
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")


def run(args):
    from pipeline.db import connect, run_sql
    from pipeline.errors import PipelineError
    from pipeline.games import get_game
    from pipeline.gold.ticket_history import ticket_history

    game = get_game(args.game)
    with connect() as conn:
        rows = run_sql(conn, "show/ticket_draws.sql", {"game": game.id}).fetchall()
    if not rows:
        raise PipelineError(f"no {game.id} draws in bronze: run ingest first "
                            f"(python -m pipeline ingest --game {game.id} --source FILE_OR_URL)")
    draws = [(r[0], r[1], tuple(r[2:7]), r[7]) for r in rows]
    result = ticket_history(game, args.numbers, draws)
    if not result["eras"]:
        ranges = "; ".join(f"whites 1-{s['white_max']} and {game.special_name} "
                           f"1-{s['special_max']} from {s['era']}"
                           for s in result["skipped_eras"])
        raise PipelineError(f"ticket {args.numbers.text()} is outside the ranges of every "
                            f"{game.id} era in bronze ({ranges})")
    return result if args.json else render(game, result)


def _money(value) -> str:
    if value is None:
        return "-"
    return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"


def _odds(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def render(game, result: dict) -> str:
    from pipeline.gold.summary import ticket_text

    t = result["ticket"]
    lines = [f"{game.display_name} ticket {ticket_text(t['whites'], t['special_ball'])} "
             f"over every draw in bronze of the eras it is valid in", ""]
    for e in result["eras"]:
        lines.append(f"Era from {e['era']} (whites 1-{e['white_max']}, {game.special_name} "
                     f"1-{e['special_max']}): {e['draws']} draws, {e['first_draw']} to "
                     f"{e['last_draw']}")
        lines.append(f"  white matches      {e['white_matches']:>7}   expected "
                     f"{e['expected_white_matches']:9.2f}")
        lines.append(f"  {game.special_name + ' matches':<19}{e['special_matches']:>7}   "
                     f"expected {e['expected_special_matches']:9.2f}")
        if e["prizes_won"] is not None:
            lines.append(f"  prizes won         {e['prizes_won']:>7}   expected "
                         f"{e['expected_prizes_won']:9.2f}   (1 in "
                         f"{e['any_prize_odds_1_in']:.2f} per draw)")
            lines.append(f"  spent {_money(e['spent_usd']):>12}   returned "
                         f"{_money(e['returned_usd']):>11}   expected "
                         f"{_money(e['expected_returned_usd'])}   (jackpots won: "
                         f"{e['jackpots']}, not priced)")
            lines.append(f"  {'tier':<6}{'prize':>12}{'won':>6}{'expected':>11}{'odds 1 in':>14}")
            for o in e["outcomes"]:
                if o["prize_tier"] in (None, "none"):
                    continue
                prize = "jackpot" if o["is_jackpot"] else _money(o["prize_usd"])
                lines.append(f"  {o['prize_tier']:<6}{prize:>12}{o['observed']:>6}"
                             f"{o['expected']:>11.3f}{_odds(o['odds_1_in']):>14}")
        else:
            lines.append("  (no prize chart for this era in the games file: matches only)")
        if e["best_draws"]:
            best = ", ".join(f"{b['draw_date']} {b['white_matches']}+{int(b['special_match'])}"
                             for b in e["best_draws"][:4])
            lines.append(f"  best draws: {best}")
        lines.append("")
    for s in result["skipped_eras"]:
        lines.append(f"Era from {s['era']} ({s['draws']} draws) skipped: outside its ranges "
                     f"(whites 1-{s['white_max']}, {game.special_name} 1-{s['special_max']})")
    tot = result["totals"]
    if tot["draws_with_prize_chart"]:
        lines.extend(textwrap.wrap(
            f"In all: spent {_money(tot['spent_usd'])}, got back {_money(tot['returned_usd'])} "
            f"(any ticket is expected to get back {_money(tot['expected_returned_usd'])}); "
            f"{tot['prizes_won']} prizes won, {tot['expected_prizes_won']:.1f} expected.", 96))
    lines.append("Every draw is independent of the ones before it: no number is ever 'due', "
                 "and any ticket,")
    lines.append("this one included, has exactly the odds and the expected return shown "
                 "beside its record.")
    return "\n".join(lines)
