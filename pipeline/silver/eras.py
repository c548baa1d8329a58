"""Era arithmetic silver needs: number ranges per ball type, range epochs, era lookups by date.

A ball type's *range epoch* is a run of consecutive eras with the same range for that ball type
(Powerball whites were 1-59 from 2009-01-07 to 2015-10-06 over three eras). Feature counts run
within the epoch, so a rule change that does not touch a ball's range does not reset its history.
"""

from __future__ import annotations

import numpy as np

from pipeline.errors import ConfigError
from pipeline.games import Era, Game

BALLS = ("white", "special")


def ball_range(era: Era, ball: str) -> tuple[int, int]:
    if ball == "white":
        return era.white_min, era.white_max
    return era.special_min, era.special_max


def picks(era: Era, ball: str) -> int:
    """How many numbers of this ball type one draw (and one ticket) has."""
    return era.white_count if ball == "white" else 1


def max_number(game: Game, ball: str) -> int:
    return max(ball_range(e, ball)[1] for e in game.eras)


def epoch_starts(game: Game, ball: str) -> list:
    """For each era (in order), the first day of the range epoch it belongs to."""
    starts, current = [], None
    for i, era in enumerate(game.eras):
        if i == 0 or ball_range(era, ball) != ball_range(game.eras[i - 1], ball):
            current = era.start
        starts.append(current)
    return starts


def era_positions(game: Game, dates: np.ndarray) -> np.ndarray:
    """Index into game.eras of each date (datetime64[D]); a date before every era is an error."""
    starts = np.array([e.start for e in game.eras], dtype="datetime64[D]")
    pos = np.searchsorted(starts, dates, side="right") - 1
    if len(pos) and pos.min() < 0:
        first = dates[np.argmin(pos)]
        raise ConfigError(f"{first} is before the first era of game {game.id!r}")
    return pos


def era_sql_params(game: Game) -> dict:
    """The game's eras as parallel arrays, for SQL audits that join on date ranges."""
    eras = game.eras
    return {
        "era_name": [e.name for e in eras],
        "era_start": [e.start for e in eras],
        "era_end": [e.end for e in eras],
        "white_min": [e.white_min for e in eras], "white_max": [e.white_max for e in eras],
        "special_min": [e.special_min for e in eras],
        "special_max": [e.special_max for e in eras],
        "white_epoch": epoch_starts(game, "white"),
        "special_epoch": epoch_starts(game, "special"),
    }
