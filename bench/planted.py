"""Synthetic 5+1 games with a known truth: fair draws, or white numbers 1-10 drawn more often.

Used by the verdict calibration benchmark (many histories, in memory) and by the verdict tests
(one history through the real pipeline: games file + normalized CSV). A planted bias of 2 means
each of the numbers 1-10 carries twice the weight of any other number in every draw (5 drawn
without replacement, each pick proportional to the remaining weights).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

GAME = "planted"
WHITE_MAX, SPECIAL_MAX = 69, 26
BIASED = np.arange(1, 11)
FIRST_DAY = dt.date(2020, 1, 1)


def games_toml(game: str = GAME, first_day: dt.date = FIRST_DAY) -> str:
    """A daily-drawn 5+1 game with one era (no prize chart: only the match tests apply)."""
    return "\n".join([
        f"[games.{game}]", f'display_name = "Planted {game}"', 'special_name = "special_ball"',
        "white_count = 5", f"[[games.{game}.schedule]]", f"from = {first_day.isoformat()}",
        'weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]',
        f"[[games.{game}.eras]]", f"from = {first_day.isoformat()}",
        f"white_max = {WHITE_MAX}", f"special_max = {SPECIAL_MAX}", "multipliers = []", ""])


def draws(seed: int, n: int, bias: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(whites [n, 5] ascending, specials [n]) from a seeded generator; bias 1.0 is fair."""
    rng = np.random.default_rng(seed)
    weights = np.ones(WHITE_MAX)
    weights[BIASED - 1] = bias
    p = weights / weights.sum()
    whites = np.stack([np.sort(rng.choice(WHITE_MAX, 5, replace=False, p=p) + 1)
                       for _ in range(n)])
    specials = rng.integers(1, SPECIAL_MAX + 1, n)
    return whites.astype(np.int16), specials.astype(np.int16)


def dates(n: int, first_day: dt.date = FIRST_DAY) -> list[dt.date]:
    return [first_day + dt.timedelta(days=i) for i in range(n)]


def write_history(folder: Path, seed: int, n: int, bias: float) -> tuple[Path, Path]:
    """Write the games file and a normalized CSV of n daily draws; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    games = folder / "games.toml"
    games.write_text(games_toml())
    whites, specials = draws(seed, n, bias)
    lines = ["draw_date,white_1,white_2,white_3,white_4,white_5,special_ball"]
    lines += [f"{d.isoformat()},{','.join(map(str, w.tolist()))},{int(s)}"
              for d, w, s in zip(dates(n), whites, specials, strict=True)]
    csv = folder / f"{GAME}_{seed}.csv"
    csv.write_text("\n".join(lines) + "\n")
    return games, csv
