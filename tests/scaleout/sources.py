"""Source files for the scale-out backfill: a synthetic Mega Millions NY export and a recent
slice of the shipped Powerball export (a smaller history keeps the test within its time budget).

The synthetic draws follow the game definition (draw days, each era's ranges and multipliers),
so they pass the bronze gate as real draws would; a seed makes every run write the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from pipeline.games import get_game

MM_HEADER = '"Draw Date","Winning Numbers","Mega Ball","Multiplier"'


def mega_millions_export(path: Path, first: dt.date, last: dt.date, seed: int = 11) -> int:
    """Write a NY-format Mega Millions export (newest first) of every draw day in [first, last]."""
    game = get_game("mega_millions")
    rng = random.Random(seed)
    lines = []
    for day in game.draw_dates(first, last):
        era = game.era_for(day)
        whites = rng.sample(range(1, era.white_max + 1), 5)  # in draw order, as the portal has it
        special = rng.randint(1, era.special_max)
        mult = f"{rng.choice(era.multipliers):02d}" if era.multipliers else ""
        lines.append((day, f'"{day:%m/%d/%Y}","{" ".join(f"{w:02d}" for w in whites)}",'
                           f'"{special:02d}","{mult}"'))
    lines.sort(reverse=True)
    path.write_text(MM_HEADER + "\n" + "\n".join(text for _, text in lines) + "\n")
    return len(lines)


def powerball_since(export: Path, path: Path, first: dt.date) -> int:
    """Copy the NY Powerball export's header and every draw on or after `first` to `path`."""
    header, *rows = export.read_text().splitlines()
    kept = [r for r in rows
            if dt.datetime.strptime(r.split(",", 1)[0].strip('"'), "%m/%d/%Y").date() >= first]
    path.write_text(header + "\n" + "\n".join(kept) + "\n")
    return len(kept)
