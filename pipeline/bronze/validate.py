"""Type and validate one raw row against the rule era of its draw date.

A failing row gets a reason `<code>: <detail>` that names the offending value; codes are
stable so users can group the quarantine by them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from pipeline.bronze.formats import RawRow
from pipeline.games import WEEKDAYS, Game

US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
INT = re.compile(r"^\d{1,3}$")

REASON_CODES = (
    "bad_csv", "missing_fields", "bad_date", "future_date", "no_era", "not_draw_day",
    "wrong_count", "not_a_number", "white_out_of_range", "duplicate_white",
    "special_out_of_range", "multiplier_not_allowed", "duplicate_date_in_batch",
)


@dataclass(frozen=True)
class Draw:
    line_no: int
    draw_date: dt.date
    whites: tuple[int, ...]  # ascending
    special: int
    multiplier: int | None
    white_order_source: tuple[int, ...] | None  # as given, only when not ascending
    era: str
    record_hash: str
    raw: str


class Rejected(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code


def parse_date(text: str) -> dt.date:
    if m := US_DATE.match(text):
        month, day, year = (int(g) for g in m.groups())
    elif m := ISO_DATE.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise Rejected("bad_date", f"draw date {text!r} is not MM/DD/YYYY or YYYY-MM-DD")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise Rejected("bad_date", f"draw date {text!r} is not a calendar date") from exc


def _int(text: str, what: str) -> int:
    if not INT.match(text):
        raise Rejected("not_a_number", f"{what} {text!r} is not a whole number")
    return int(text)


def record_hash(game: str, day: dt.date, whites, special: int, multiplier: int | None) -> str:
    canon = f"{game}|{day.isoformat()}|{','.join(map(str, whites))}|{special}|{multiplier or ''}"
    return hashlib.sha256(canon.encode()).hexdigest()


def validate_row(row: RawRow, game: Game, today: dt.date) -> Draw:
    if row.problem:
        code, _, detail = row.problem.partition(": ")
        raise Rejected(code, detail)
    day = parse_date(row.date_text)
    if day > today:
        raise Rejected("future_date", f"draw date {day} is after today ({today})")
    era = game.era_for(day)
    if era is None:
        raise Rejected("no_era", f"draw date {day} is before {game.display_name}'s first era")
    if not game.is_draw_day(day):
        days = "/".join(WEEKDAYS[d] for d in sorted(game.draw_weekdays(day)))
        raise Rejected("not_draw_day",
                       f"{day} is a {WEEKDAYS[day.weekday()]}; draws are on {days}")
    if len(row.whites) != era.white_count or not row.special:
        raise Rejected("wrong_count", f"expected {era.white_count} white balls and 1 "
                       f"{game.special_name}, got {len(row.whites)} + {row.special or 'none'}")
    given = tuple(_int(w, "white ball") for w in row.whites)
    for w in given:
        if not era.white_min <= w <= era.white_max:
            raise Rejected("white_out_of_range", f"white ball {w} outside {era.white_min}-"
                           f"{era.white_max} for the era from {era.name}")
    if len(set(given)) != len(given):
        raise Rejected("duplicate_white", f"white balls {list(given)} repeat a number")
    special = _int(row.special, game.special_name)
    if not era.special_min <= special <= era.special_max:
        raise Rejected("special_out_of_range", f"{game.special_name} {special} outside "
                       f"{era.special_min}-{era.special_max} for the era from {era.name}")
    multiplier = _int(row.multiplier, "multiplier") if row.multiplier else None
    if multiplier is not None and multiplier not in era.multipliers:
        allowed = ", ".join(map(str, era.multipliers)) or "none"
        raise Rejected("multiplier_not_allowed", f"multiplier {multiplier} not allowed in the "
                       f"era from {era.name} (allowed: {allowed})")
    whites = tuple(sorted(given))
    return Draw(
        line_no=row.line_no, draw_date=day, whites=whites, special=special,
        multiplier=multiplier, white_order_source=None if whites == given else given,
        era=era.name, record_hash=record_hash(game.id, day, whites, special, multiplier),
        raw=row.raw,
    )


Reject = tuple[int, str, str]  # (line_no, raw record, reason)


def validate_rows(rows, game: Game, today: dt.date) -> tuple[list[Draw], list[Reject]]:
    """Split rows into valid draws and rejects (line_no, raw, reason).

    A date seen twice in one batch: identical copies keep the first; conflicting copies are
    all rejected, since the batch itself does not say which one is right.
    """
    draws: list[Draw] = []
    rejects: list[Reject] = []
    for row in rows:
        try:
            draws.append(validate_row(row, game, today))
        except Rejected as exc:
            rejects.append((row.line_no, row.raw, str(exc)))
    valid, duplicates = resolve_duplicates(draws)
    return valid, sorted(rejects + duplicates)


def resolve_duplicates(draws: list[Draw]) -> tuple[list[Draw], list[Reject]]:
    """Valid draws in source order -> (draws kept, by line; rejects for repeated dates)."""
    valid: dict[dt.date, Draw] = {}
    conflicted: dict[dt.date, list[Draw]] = {}
    rejects: list[Reject] = []
    for draw in draws:
        first = valid.get(draw.draw_date)
        if draw.draw_date in conflicted:
            conflicted[draw.draw_date].append(draw)
        elif first is None:
            valid[draw.draw_date] = draw
        elif first.record_hash == draw.record_hash:
            rejects.append((draw.line_no, draw.raw, f"duplicate_date_in_batch: {draw.draw_date} "
                            f"repeats line {first.line_no} with the same numbers"))
        else:
            conflicted[draw.draw_date] = [valid.pop(draw.draw_date), draw]
    for day, group in conflicted.items():
        lines = ", ".join(str(d.line_no) for d in group)
        for d in group:
            rejects.append((d.line_no, d.raw, f"duplicate_date_in_batch: {day} appears on lines "
                            f"{lines} with different numbers"))
    return sorted(valid.values(), key=lambda d: d.line_no), rejects
