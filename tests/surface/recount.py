"""Independent recounts from the shipped CSV for the surface tests: plain Python, no pipeline code
except the game file's rules (eras and prize charts are data, not results)."""

from __future__ import annotations

import csv
import datetime as dt
from fractions import Fraction
from math import comb

from tests.conftest import NY_EXPORT


def ny_draws() -> list[tuple[dt.date, tuple[int, ...], int]]:
    """(date, sorted whites, special) of every row of the NY export, oldest first."""
    rows = []
    with open(NY_EXPORT, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            month, day, year = (int(x) for x in r["Draw Date"].split("/"))
            numbers = [int(x) for x in r["Winning Numbers"].split()]
            rows.append((dt.date(year, month, day), tuple(sorted(numbers[:5])), numbers[5]))
    return sorted(rows)


def tier_probability(white_max: int, special_max: int, w: int, s: bool) -> Fraction:
    whites = Fraction(comb(5, w) * comb(white_max - 5, 5 - w), comb(white_max, 5))
    return whites * (Fraction(1, special_max) if s else Fraction(special_max - 1, special_max))


def scheduled_between(after: dt.date, before: dt.date, weekdays=(0, 2, 5)) -> int:
    """Draw days (Powerball since 2021-08-23: Mon, Wed, Sat) strictly between two dates."""
    n, day = 0, after + dt.timedelta(days=1)
    while day < before:
        n += day.weekday() in weekdays
        day += dt.timedelta(days=1)
    return n
