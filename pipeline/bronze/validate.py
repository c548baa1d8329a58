"""Type and validate one raw row against the rule era of its draw date.

A failing row gets a reason `<code>: <detail>` that names the offending value; codes are
stable so users can group the quarantine by them.

Numbers and dates are ASCII digits only. `\\d` and int() also take Arabic-Indic, full-width
and every other Unicode digit, which once revised a published draw (`٢٥` read as 25), so every
pattern here is `[0-9]` with re.ASCII and int() only ever sees text those patterns matched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from pipeline.bronze.read import RawRow
from pipeline.games import WEEKDAYS, Game

US_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})", re.ASCII)
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
INT = re.compile(r"[0-9]{1,3}", re.ASCII)
SHOWN_DUPLICATE_LINES = 5  # a reason lists this many lines of a repeated date, then counts

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


def char_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def oddity(text: str) -> str | None:
    """What makes `text` more than printable ASCII, naming the character; None if nothing."""
    for ch in text:
        if ch.isdigit() and not "0" <= ch <= "9":
            return f"has non-ASCII digits ({char_name(ch)})"
    for ch in text:
        if not " " <= ch <= "~":
            return f"has {char_name(ch)}"
    return None


def parse_date(text: str) -> dt.date:
    if m := US_DATE.fullmatch(text):
        month, day, year = (int(g) for g in m.groups())
    elif m := ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif odd := oddity(text):
        raise Rejected("bad_date", f"draw date {text!r} {odd}")
    else:
        raise Rejected("bad_date", f"draw date {text!r} is not MM/DD/YYYY or YYYY-MM-DD")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise Rejected("bad_date", f"draw date {text!r} is not a calendar date") from exc


def _int(text: str, what: str) -> int:
    if not INT.fullmatch(text):
        if odd := oddity(text):
            raise Rejected("not_a_number", f"{what} {text!r} {odd}")
        raise Rejected("not_a_number", f"{what} {text!r} is not a whole number")
    return int(text)


def _no_odd_characters(row: RawRow, game: Game) -> None:
    """Before counting the numbers: a NO-BREAK SPACE between two of them is the problem to name,
    not the wrong count it causes."""
    for text, what in [*((w, "white ball") for w in row.whites),
                       (row.special, game.special_name), (row.multiplier, "multiplier")]:
        if odd := oddity(text):
            raise Rejected("not_a_number", f"{what} {text!r} {odd}")


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
    _no_odd_characters(row, game)
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


def duplicate_reason(day: dt.date, lines: list[int], count: int, conflicting: bool) -> str:
    """The reason for each rejected copy of a date seen `count` times (first lines in `lines`)."""
    if not conflicting:
        return f"duplicate_date_in_batch: {day} repeats line {lines[0]} with the same numbers"
    shown = ", ".join(map(str, lines[:SHOWN_DUPLICATE_LINES]))
    if count > SHOWN_DUPLICATE_LINES:  # a bounded reason: 10^5 copies must not each list 10^5
        shown += f" and {count - SHOWN_DUPLICATE_LINES} more"
    return f"duplicate_date_in_batch: {day} appears on lines {shown} with different numbers"


def resolve_duplicates(draws: list[Draw]) -> tuple[list[Draw], list[Reject]]:
    """Valid draws in source order -> (draws kept, by line; rejects for repeated dates).

    A date whose copies are all identical keeps its first copy; a date whose copies disagree
    (any two) loses all of them, since the batch does not say which is right.
    """
    by_day: dict[dt.date, list[Draw]] = {}
    for draw in draws:
        by_day.setdefault(draw.draw_date, []).append(draw)
    kept: list[Draw] = []
    rejects: list[Reject] = []
    for day, group in by_day.items():
        if len(group) == 1:
            kept.append(group[0])
            continue
        group.sort(key=lambda d: d.line_no)
        conflicting = len({d.record_hash for d in group}) > 1
        reason = duplicate_reason(day, [d.line_no for d in group], len(group), conflicting)
        if not conflicting:
            kept.append(group[0])
            group = group[1:]
        rejects += [(d.line_no, d.raw, reason) for d in group]
    return sorted(kept, key=lambda d: d.line_no), rejects
