"""A game's draw history as arrays (the timeline features and models work on)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pipeline.db import run_sql
from pipeline.games import Game


@dataclass(frozen=True)
class Timeline:
    """Draws in date order. `known` is False only for an appended target whose result is unread."""

    game: Game
    dates: np.ndarray  # datetime64[D], strictly increasing
    whites: np.ndarray  # int16 [N, 5]
    special: np.ndarray  # int16 [N]
    known: np.ndarray  # bool [N]
    record_hash: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.dates)

    def date(self, i: int) -> dt.date:
        return self.dates[i].astype(object)

    def index_of(self, day: dt.date) -> int | None:
        i = int(np.searchsorted(self.dates, np.datetime64(day, "D")))
        return i if i < len(self) and self.dates[i] == np.datetime64(day, "D") else None


def load_timeline(conn, game: Game, *, before: dt.date | None = None,
                  through: dt.date | None = None) -> Timeline:
    rows = run_sql(conn, "silver/draws.sql",
                   {"game": game.id, "before": before, "through": through}).fetchall()
    n = len(rows)
    dates = np.array([r[0] for r in rows], dtype="datetime64[D]")
    whites = np.array([r[1:6] for r in rows], dtype=np.int16).reshape(n, 5)
    special = np.array([r[6] for r in rows], dtype=np.int16)
    return Timeline(game, dates, whites, special, np.ones(n, dtype=bool),
                    tuple(r[7] for r in rows))


def with_target(tl: Timeline, day: dt.date) -> Timeline:
    """The timeline plus `day` as a last row with no result (its features use only earlier rows)."""
    return Timeline(
        tl.game, np.append(tl.dates, np.datetime64(day, "D")),
        np.vstack([tl.whites, np.zeros((1, 5), dtype=np.int16)]),
        np.append(tl.special, np.int16(0)), np.append(tl.known, False), tl.record_hash)
