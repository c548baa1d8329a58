"""Validate a source in chunks: numpy over each chunk's rows, the row validator for the rest.

The vectorised checks only *accept*: a row passes when every rule of its date's era and
schedule holds and it has the common shape (ASCII digits, single ASCII spaces, MM/DD/YYYY or
YYYY-MM-DD). Every other row goes through `validate.validate_row`, so a rejected row gets
exactly the reason text the row validator gives, and an unusual but valid row (say, two spaces
between the numbers) is still accepted by it. Same results as
`validate_rows(split_rows(...))`, about 20x faster: the per-row path cost ~50 us a row.

Chunks bound memory: a source is read CHUNK_ROWS rows at a time and each chunk's rows are
written before the next is parsed (whole-file lists of fields, tuples and reasons peaked at
~50x the input). Chunks are small enough that a one-game export (~20,000 rows) makes several:
PostgreSQL stores one chunk (ingest's single COPY) while the next is parsed. A date repeated
across chunks is found from a compact index of every staged row (day, line, digest: 44 bytes a
row) once the last chunk is done: `repeated_dates`.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from pipeline.bronze.read import ASCII_BLANKS, Layout, RawRow, row_text, split_fields, to_raw
from pipeline.bronze.validate import (
    SHOWN_DUPLICATE_LINES,
    Draw,
    Reject,
    Rejected,
    duplicate_reason,
    record_hash,
    validate_row,
)
from pipeline.games import Game

NUMS = r"[0-9]{1,3}"
US_DATE = r"[0-9]{2}/[0-9]{2}/[0-9]{4}"
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
MAX_NUMBER = 1000  # three digits at most (validate.INT)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
CHUNK_ROWS = 10_000


@dataclass
class Validated:
    """A validated source: staged rows (in line order) and rejects (line, raw, reason)."""

    layout: Layout
    rows_read: int
    staged: list[tuple]  # (line_no, draw_date, w1..w5, special, multiplier, order, era, hash)
    rejects: list[Reject]


@dataclass
class Rows:
    """Staged rows as columns, in line order: what COPY and the repeated-date index read
    without a Python object per row (`tuples()` gives Validated.staged's row tuples)."""

    game: Game
    lines: np.ndarray  # int64
    days: np.ndarray  # datetime64[D]
    whites: np.ndarray  # (n, 5) int64, ascending
    given: np.ndarray  # (n, 5) int64, the source's order
    special: np.ndarray  # int64
    mult: np.ndarray  # int64, -1 where none was drawn
    era_i: np.ndarray  # int64 index into game.eras
    hashes: np.ndarray  # S64: record_hash

    def __len__(self) -> int:
        return len(self.lines)

    def take(self, idx) -> Rows:
        return Rows(self.game, *(getattr(self, f)[idx] for f in _ROW_FIELDS))

    def tuples(self) -> list[tuple]:
        """(line_no, draw_date, w1..w5, special, multiplier, order, era, hash) per row."""
        mults = [None if m < 0 else m for m in self.mult.tolist()]
        unsorted = (self.given != self.whites).any(axis=1)
        orders = [None] * len(self)
        for i, row in zip(np.flatnonzero(unsorted).tolist(), self.given[unsorted].tolist(),
                          strict=True):
            orders[i] = row
        eras = np.array([e.name for e in self.game.eras], dtype=object)[self.era_i].tolist()
        # zip builds the row tuples in C: a comprehension unpacking each row costs 3 us a row.
        return list(zip(self.lines.tolist(), self.days.astype(object).tolist(),
                        *(self.whites[:, k].tolist() for k in range(5)), self.special.tolist(),
                        mults, orders, eras, self.hashes.astype(str).tolist(), strict=True))


_ROW_FIELDS = ("lines", "days", "whites", "given", "special", "mult", "era_i", "hashes")


def _concat(game: Game, parts: list[Rows]) -> Rows:
    if not parts:
        return _from_draws(game, [])
    return Rows(game, *(np.concatenate([getattr(p, f) for p in parts]) for f in _ROW_FIELDS))


def _from_draws(game: Game, draws: list[Draw]) -> Rows:
    """Rows of the row validator's Draws (the few rows the vectorised checks left to it)."""
    n = len(draws)
    era_index = {e.name: i for i, e in enumerate(game.eras)}
    whites = np.array([d.whites for d in draws], dtype=np.int64).reshape(n, 5)
    given = np.array([d.white_order_source or d.whites for d in draws],
                     dtype=np.int64).reshape(n, 5)
    return Rows(game, np.array([d.line_no for d in draws], dtype=np.int64),
                np.array([d.draw_date for d in draws], dtype="datetime64[D]"), whites, given,
                np.array([d.special for d in draws], dtype=np.int64),
                np.array([-1 if d.multiplier is None else d.multiplier for d in draws],
                         dtype=np.int64),
                np.array([era_index[d.era] for d in draws], dtype=np.int64),
                np.array([d.record_hash for d in draws], dtype="S64"))


@dataclass
class Chunk:
    rows_read: int
    rows: Rows  # staged rows, before repeated dates are resolved
    rejects: list[Reject]

    @property
    def staged(self) -> list[tuple]:
        """As Validated.staged."""
        return self.rows.tuples()


def _column_of(fields: list[list[str]], shortest: int, col: int | None) -> list[str]:
    """Column `col` of every row, as written: a field with blanks at its ends fails the fixed
    shapes, and the regex (or the row validator) sees it stripped."""
    if col is None:
        return [""] * len(fields)
    if col < shortest:
        return [f[col] for f in fields]
    return [f[col] if col < len(f) else "" for f in fields]


def _codes(texts: list[str]) -> np.ndarray:
    """(n, longest) code points of `texts`, zero-padded (fields hold no NUL: bad_csv)."""
    arr = np.array(texts, dtype=str) if texts else np.zeros(0, dtype="U1")
    return arr.view(np.uint32).reshape(len(texts), -1)


def _is_digit(codes: np.ndarray) -> np.ndarray:
    return (codes >= ord("0")) & (codes <= ord("9"))


def _fixed(codes: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows exactly `width` long, their first `width` code points)."""
    n = len(codes)
    if codes.shape[1] < width:
        return np.zeros(n, dtype=bool), np.zeros((n, width), dtype=np.uint32)
    return (codes[:, width:] == 0).all(axis=1), codes[:, :width]


def _numbers(texts: list[str], count: int) -> tuple[np.ndarray, np.ndarray]:
    """(ok mask, n x count ints) for strings of `count` single-space-separated numbers.

    Numpy over the code points for the common shapes (two-digit numbers; a lone number of
    1-3 digits); the regex only for the rows of any other shape.
    """
    codes = _codes(texts)
    n = len(texts)
    values = np.zeros((n, count), dtype=np.int64)
    if count == 1:
        head = codes[:, :3]
        ok = (codes.shape[1] <= 3 or (codes[:, 3:] == 0).all(axis=1)) if n else np.zeros(0, bool)
        ok = ok & (head[:, 0] != 0) & (_is_digit(head) | (head == 0)).all(axis=1)
        for k in range(head.shape[1]):  # Horner over the digits present
            present = head[:, k] != 0
            values[:, 0] = np.where(present, values[:, 0] * 10 + head[:, k].astype(np.int64)
                                    - ord("0"), values[:, 0])
    else:
        width = 3 * count - 1
        ok, body = _fixed(codes, width)
        digits = body[:, [p for p in range(width) if p % 3 != 2]]
        ok &= _is_digit(digits).all(axis=1) & (body[:, 2::3] == ord(" ")).all(axis=1)
        d = digits.astype(np.int64) - ord("0")
        values = np.where(ok[:, None], d[:, 0::2] * 10 + d[:, 1::2], 0)
    rest = np.flatnonzero(~ok)
    if len(rest):
        import pandas as pd

        # ASCII blanks only, as read._get: str.strip() would drop a NO-BREAK SPACE.
        series = pd.Series([texts[i].strip(ASCII_BLANKS) for i in rest.tolist()], dtype=object)
        more = series.str.fullmatch(f"{NUMS}(?: {NUMS}){{{count - 1}}}").fillna(False)
        more = more.to_numpy(bool)
        if more.any():
            joined = " ".join(series[more].tolist())
            values[rest[more]] = np.array(joined.split(), dtype=np.int64).reshape(-1, count)
            ok[rest[more]] = True
    return ok, values


def _dates(texts: list[str]) -> np.ndarray:
    """datetime64[D] per text, NaT where not a plain MM/DD/YYYY or YYYY-MM-DD calendar date."""
    n = len(texts)
    exact, c = _fixed(_codes(texts), 10)
    digit = _is_digit(c)
    d = c.astype(np.int64) - ord("0")
    us = exact & (c[:, 2] == ord("/")) & (c[:, 5] == ord("/")) & digit[:, [0, 1, 3, 4, 6, 7, 8,
                                                                           9]].all(axis=1)
    iso = exact & (c[:, 4] == ord("-")) & (c[:, 7] == ord("-")) & digit[:, [0, 1, 2, 3, 5, 6, 8,
                                                                            9]].all(axis=1)
    year = np.where(us, d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9],
                    d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3])
    month = np.where(us, d[:, 0] * 10 + d[:, 1], d[:, 5] * 10 + d[:, 6])
    day = np.where(us, d[:, 3] * 10 + d[:, 4], d[:, 8] * 10 + d[:, 9])
    ok = (us | iso) & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    start = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    days = start.astype("datetime64[D]") + np.where(ok, day - 1, 0)
    ok &= days.astype("datetime64[M]") == start  # 02/30 rolls into March: not a date
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    out[ok] = days[ok]
    return out


def _rule_tables(game: Game):
    eras = game.eras
    allowed = np.zeros((len(eras), MAX_NUMBER), dtype=bool)
    for i, era in enumerate(eras):
        allowed[i, [m for m in era.multipliers if 0 <= m < MAX_NUMBER]] = True
    draw_days = np.zeros((len(game.schedules), 7), dtype=bool)
    for i, schedule in enumerate(game.schedules):
        draw_days[i, sorted(schedule.weekdays)] = True
    return allowed, draw_days


def _lookup(starts, days: np.ndarray) -> np.ndarray:
    """Index of the last start <= day (-1 before the first)."""
    return np.searchsorted(np.array(starts, dtype="datetime64[D]"), days, side="right") - 1


def _fast_accept(records, layout: Layout, game: Game, today: dt.date):
    """(accepted mask, whites given, special, multiplier or -1, era index, days)."""
    n = len(records)
    fields = [f for _, f in records]
    widths = np.fromiter(map(len, fields), dtype=np.int64, count=n)
    ok = widths >= layout.width
    shortest = int(widths.min()) if n else 0

    def _column(col):
        return _column_of(fields, shortest, col)

    if layout.numbers_col is not None and layout.special_col is None:
        nums_ok, nums = _numbers(_column(layout.numbers_col), 6)
        whites, special = nums[:, :5], nums[:, 5]
        ok &= nums_ok
    else:
        if layout.numbers_col is not None:
            whites_ok, whites = _numbers(_column(layout.numbers_col), 5)
        else:
            whites_ok, whites = _numbers([" ".join(t) for t in zip(
                *(_column(c) for c in layout.white_cols), strict=True)], 5)
        special_ok, special = _numbers(_column(layout.special_col), 1)
        ok &= whites_ok & special_ok
        special = special[:, 0]
    mult_text = _column(layout.multiplier_col)
    has_mult = np.array([bool(t) for t in mult_text], dtype=bool)
    mult_ok, mult = _numbers([t or "0" for t in mult_text], 1)
    ok &= mult_ok
    mult = np.where(has_mult, mult[:, 0], -1)

    days = _dates(_column(layout.date_col))
    ok &= ~np.isnat(days) & (days <= np.datetime64(today, "D"))
    era_i = _lookup([e.start for e in game.eras], days)
    sched_i = _lookup([s.start for s in game.schedules], days)
    ok &= (era_i >= 0) & (sched_i >= 0)
    era_c, sched_c = np.clip(era_i, 0, None), np.clip(sched_i, 0, None)
    allowed, draw_days = _rule_tables(game)
    weekday = (days.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01: Thursday
    ok &= draw_days[sched_c, weekday] if len(draw_days) else False
    rule = np.array([(e.white_min, e.white_max, e.special_min, e.special_max, e.white_count)
                     for e in game.eras], dtype=np.int64)[era_c]
    ok &= rule[:, 4] == 5
    ok &= ((whites >= rule[:, [0]]) & (whites <= rule[:, [1]])).all(axis=1)
    ordered = np.sort(whites, axis=1)
    ok &= (np.diff(ordered, axis=1) > 0).all(axis=1)
    ok &= (special >= rule[:, 2]) & (special <= rule[:, 3])
    ok &= ~has_mult | allowed[era_c, np.clip(mult, 0, MAX_NUMBER - 1)]
    return ok, whites, ordered, special, mult, era_c, days


def _iso_bytes(days: np.ndarray) -> np.ndarray:
    """(n, 10) ASCII YYYY-MM-DD of datetime64[D] days in years 1-9999, as date.isoformat()
    writes them: the civil date by integer arithmetic (H. Hinnant's days_from_civil inverse),
    ten times cheaper than numpy's datetime_as_string and a bytes cast."""
    z = days.astype(np.int64) + 719_468  # days since 0000-03-01
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    digits = [year // 1000, year // 100 % 10, year // 10 % 10, year % 10, None,
              month // 10, month % 10, None, day // 10, day % 10]
    out = np.full((len(days), 10), ord("-"), dtype=np.uint8)
    for k, d in enumerate(digits):
        if d is not None:
            out[:, k] = d + ord("0")
    return out


# Each number's decimal digits (as str(k) writes them), NUL-padded to three bytes.
_DIGITS = np.array([list(str(k).encode().ljust(3, b"\0")) for k in range(MAX_NUMBER)],
                   dtype=np.uint8)
_SHA256 = type(hashlib.sha256())


def _hash(game_id: str, days: np.ndarray, ordered: np.ndarray, special: np.ndarray,
          mult: np.ndarray) -> np.ndarray:
    """validate.record_hash of many rows at once (same canonical text, S64 hex digests).

    The canonical texts are built by numpy as one buffer, a newline after each, and hashed by
    C loops (split, sha256, digest): formatting each row's text in Python cost twice the
    hashing. A multiplier of 0 or none is written as nothing, as `multiplier or ''` does.
    """
    n = len(days)
    prefix = f"{game_id}|".encode()
    # Numbers are three digits at most (_numbers) and ids hold neither byte: else the plain way.
    if (b"\n" in prefix or b"\0" in prefix or (ordered >= MAX_NUMBER).any()
            or (special >= MAX_NUMBER).any() or (mult >= MAX_NUMBER).any()):
        return np.array([record_hash(game_id, d, w, s, m if m > 0 else None) for d, w, s, m in
                         zip(days.astype(object).tolist(), ordered.tolist(), special.tolist(),
                             mult.tolist(), strict=True)], dtype="S64")

    def sep(byte: str) -> np.ndarray:
        return np.full((n, 1), ord(byte), dtype=np.uint8)

    parts = [np.broadcast_to(np.frombuffer(prefix, dtype=np.uint8), (n, len(prefix))),
             _iso_bytes(days), sep("|")]
    for k in range(5):
        parts += [_DIGITS[ordered[:, k]], sep("," if k < 4 else "|")]
    parts += [_DIGITS[special], sep("|"),
              np.where((mult > 0)[:, None], _DIGITS[np.clip(mult, 0, MAX_NUMBER - 1)], 0),
              sep("\n")]
    text = np.hstack(parts).astype(np.uint8, copy=False)
    texts = text[text != 0].tobytes().split(b"\n")[:-1]
    digests = b"".join(map(_SHA256.digest, map(hashlib.sha256, texts)))
    return np.frombuffer(digests.hex().encode(), dtype="S64")


def _draw_row(d: Draw) -> tuple:
    return (d.line_no, d.draw_date, *d.whites, d.special, d.multiplier,
            list(d.white_order_source) if d.white_order_source else None, d.era, d.record_hash)


@contextmanager
def _gc_paused():
    # Tens of thousands of small lists and tuples per chunk, none of them cyclic: the cyclic
    # garbage collector would re-scan them on every generation-2 pass (up to 2x the time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def iter_chunks(source: str | bytes, game: Game, today: dt.date,
                chunk_rows: int | None = None) -> tuple[Layout, Iterator[Chunk]]:
    """The layout (read from the header now: SourceError before anything is written) and the
    validated chunks, CHUNK_ROWS source rows each."""
    layout, items = split_fields(source, game)
    chunk_rows = chunk_rows or CHUNK_ROWS

    def chunks() -> Iterator[Chunk]:
        while True:
            with _gc_paused():  # a list and a tuple a row, as in _validate_chunk
                batch = list(islice(items, chunk_rows))
                if not batch:
                    return
                bad = [item for item in batch if isinstance(item, RawRow)]
                records = [item for item in batch if not isinstance(item, RawRow)] if bad else batch
                del batch
                chunk = _validate_chunk(records, bad, layout, game, today)
            yield chunk

    return layout, chunks()


def _validate_chunk(records, bad, layout: Layout, game: Game, today: dt.date) -> Chunk:
    with _gc_paused():
        rejects: list[Reject] = [(r.line_no, r.raw, r.problem) for r in bad]
        if not records:
            return Chunk(len(bad), _from_draws(game, []), sorted(rejects))
        ok, given, ordered, special, mult, era_i, days = _fast_accept(records, layout, game,
                                                                      today)
        lines = np.fromiter((line for line, _ in records), dtype=np.int64, count=len(records))
        slow: list[Draw] = []
        for i in np.flatnonzero(~ok).tolist():
            raw = to_raw(*records[i], layout)
            try:
                slow.append(validate_row(raw, game, today))
            except Rejected as exc:
                rejects.append((raw.line_no, raw.raw, str(exc)))
        fast = np.flatnonzero(ok)
        days = days[fast]
        mults = mult[fast]
        hashes = _hash(game.id, days, ordered[fast], special[fast], mults)
        rows = Rows(game, lines[fast], days, ordered[fast], given[fast], special[fast], mults,
                    era_i[fast], hashes)
        if slow:
            rows = _concat(game, [rows, _from_draws(game, slow)])
            rows = rows.take(np.argsort(rows.lines, kind="stable"))
        return Chunk(len(records) + len(bad), rows, sorted(rejects))


@dataclass
class StagedIndex:
    """(day, line, record hash) of every staged row, to find dates repeated across chunks."""

    days: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    digests: list = field(default_factory=list)  # the rows' record_hash (S64)

    def add(self, rows: Rows) -> None:
        # Ordinal day numbers as date.toordinal() gives them (0001-01-01 is day 1).
        self.days.append((rows.days.astype(np.int64) + _EPOCH_ORDINAL).astype(np.int32))
        self.lines.append(rows.lines.copy())
        self.digests.append(_unhex(rows.hashes))


def _unhex(hashes: np.ndarray) -> np.ndarray:
    """S64 lower-case hex digests -> S32 raw digests (half the index's memory)."""
    # bytes.fromhex over the chunk's whole buffer: one C loop (numpy nibble arithmetic was 25x
    # slower). Every digest is exactly 64 hex characters, so the buffer holds no padding.
    raw = bytes.fromhex(np.ascontiguousarray(hashes).tobytes().decode("ascii"))
    return np.frombuffer(raw, dtype="S32")


@dataclass
class Repeated:
    """Staged rows to reject because their date repeats: lines ascending, reasons on demand."""

    lines: np.ndarray
    _day: np.ndarray  # per rejected row: its date's ordinal
    _group: np.ndarray  # per rejected row: index of its date's group
    _group_lines: list  # per group: its first SHOWN lines (ascending), count, conflicting

    def reason(self, i: int) -> str:
        shown, count, conflicting = self._group_lines[self._group[i]]
        return duplicate_reason(dt.date.fromordinal(int(self._day[i])), shown, count,
                                conflicting)


def repeated_dates(index: StagedIndex) -> Repeated:
    """validate.resolve_duplicates over the whole batch, from the compact index (emptied)."""
    empty = np.zeros(0, np.int64)
    if not index.days:
        return Repeated(empty, empty, empty, [])
    days = np.concatenate(index.days)
    index.days.clear()  # each array is held once: chunks or concatenation, not both
    lines = np.concatenate(index.lines)
    index.lines.clear()
    order = np.lexsort((lines, days))
    days, lines = days[order], lines[order]
    starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
    counts = np.diff(np.r_[starts, len(days)])
    groups = np.flatnonzero(counts > 1)
    digests = np.concatenate(index.digests)
    index.digests.clear()
    if not len(groups):
        return Repeated(empty, empty, empty, [])
    rejected, group_of, group_lines = [], [], []
    for g, start in enumerate(starts[groups].tolist()):
        count = int(counts[groups[g]])
        rows = order[start:start + count]  # the group's rows in the unsorted digests
        conflicting = bool((digests[rows] != digests[rows[0]]).any())
        shown = lines[start:start + min(count, SHOWN_DUPLICATE_LINES)].tolist()
        group_lines.append((shown, count, conflicting))
        taken = np.arange(start if conflicting else start + 1, start + count)
        rejected.append(taken)
        group_of.append(np.full(len(taken), g))
    del digests, order
    taken = np.concatenate(rejected)
    by_line = np.argsort(lines[taken], kind="stable")
    taken = taken[by_line]
    return Repeated(lines[taken], days[taken], np.concatenate(group_of)[by_line], group_lines)


def raw_rows(source: str | bytes, game: Game, wanted: set[int]) -> dict[int, str]:
    """The raw text of the given lines, read again from the source (only repeated dates need
    it, and only as many as the quarantine keeps)."""
    if not wanted:
        return {}
    _, items = split_fields(source, game)
    found: dict[int, str] = {}
    for item in items:
        if not isinstance(item, RawRow) and item[0] in wanted:
            found[item[0]] = row_text(item[1])
            if len(found) == len(wanted):
                break
    return found


def validate_source(text: str | bytes, game: Game, today: dt.date,
                    chunk_rows: int | None = None) -> Validated:
    """Split and validate a whole source in memory (tests, benchmarks): same outcome as the
    row-by-row path and as ingest's chunked one, whatever the chunk size."""
    layout, chunks = iter_chunks(text, game, today, chunk_rows)
    staged: list[tuple] = []
    rejects: list[Reject] = []
    rows_read = 0
    index = StagedIndex()
    for chunk in chunks:
        rows_read += chunk.rows_read
        staged += chunk.staged
        rejects += chunk.rejects
        index.add(chunk.rows)
    repeated = repeated_dates(index)
    if len(repeated.lines):
        dropped = repeated.lines.tolist()
        raws = raw_rows(text, game, set(dropped))
        rejects += [(line, raws[line], repeated.reason(i)) for i, line in enumerate(dropped)]
        gone = set(dropped)
        staged = [r for r in staged if r[0] not in gone]
    return Validated(layout, rows_read, staged, sorted(rejects))
