"""Option types shared by the steps: each rejects a bad value with a message naming it."""

from __future__ import annotations

import argparse
import datetime as dt
import re

_GAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def game_id(value: str) -> str:
    from pipeline.games import load_games

    if not _GAME.match(value):
        raise argparse.ArgumentTypeError(f"invalid game id {value[:60]!r}")
    games = load_games()  # a bad games file is not a bad --game: GamesFileError, exit 2
    if value not in games:
        raise argparse.ArgumentTypeError(
            f"unknown game {value!r}; known games: {', '.join(sorted(games))}")
    return value


def iso_date(value: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value[:60]!r} is not a date (YYYY-MM-DD)") from None


def add_game(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--game", type=game_id, required=required,
                        help="game id from the games file (e.g. powerball)")


def add_skip_checks(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--skip-checks", action="store_true",
                        help="emergency only: publish without the gate (recorded in ops)")
