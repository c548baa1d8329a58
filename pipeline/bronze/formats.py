"""Recognise a source's format from its header and split rows into named raw fields.

Known formats: the NY open-data export (winning numbers as one string, the special ball either
last in that string or in its own column) and a normalized CSV. Unknown extra columns are ignored.

Only ASCII counts as layout: fields lose ASCII blanks at their ends and numbers are separated by
ASCII spaces. A NO-BREAK or EM SPACE stays in the value, so the validator names it instead of
str.strip()/str.split() quietly treating it as a separator.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.errors import SourceError
from pipeline.games import Game

ASCII_BLANKS = " \t\r\n"
UTF8_STEP = 1 << 20  # bytes decoded at a time when checking a source is UTF-8

WHITE_COLS = tuple(f"white_{i}" for i in range(1, 6))


_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 _.-]{0,39}")


def _shown_header(header: list[str]) -> str:
    """The header's column names for an error message, without echoing a file's content.

    A wrong --source can point at any readable file (a credentials file, /etc/passwd): its
    first line must not reach the task log. Only names that look like column names are shown.
    """
    names = [h.strip() if _COLUMN_NAME.fullmatch(h.strip()) else "<not a column name>"
             for h in header[:8]]
    more = f" and {len(header) - 8} more" if len(header) > 8 else ""
    return "[" + ", ".join(repr(n) for n in names) + "]" + more


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class RawRow:
    line_no: int  # 1-based line in the source, header is line 1
    raw: str  # the source's own text for the row, kept for quarantine
    date_text: str
    whites: list[str]
    special: str
    multiplier: str
    problem: str | None = None  # a structural problem found while splitting


@dataclass(frozen=True)
class Layout:
    name: str
    date_col: int
    numbers_col: int | None  # NY: the winning numbers string
    white_cols: tuple[int, ...]
    special_col: int | None
    multiplier_col: int | None
    width: int


def detect_layout(header: list[str], game: Game) -> Layout:
    cols = [_norm(h) for h in header]
    shown = _shown_header(header)
    index = {c: i for i, c in enumerate(cols)}
    special_names = [_norm(game.special_name), "special_ball"]
    special_col = next((index[n] for n in special_names if n in index), None)
    mult = index.get("multiplier")
    if "draw_date" not in index:
        raise SourceError(f"unknown source header {shown}: no 'Draw Date' / 'draw_date' column")
    if "winning_numbers" in index:
        if mult is None:
            # Every NY export has the column (empty where none was drawn). Without it each
            # draw would load with a null multiplier and silently revise the stored one.
            raise SourceError(f"unknown source header {shown}: missing column 'Multiplier'")
        return Layout("ny_open_data", index["draw_date"], index["winning_numbers"], (),
                      special_col, mult, len(cols))
    missing = [c for c in WHITE_COLS if c not in index]
    if missing or special_col is None:
        need = missing + ([] if special_col is not None else [" or ".join(special_names)])
        raise SourceError(f"unknown source header {shown}: missing column(s) {need}")
    return Layout("normalized", index["draw_date"], None, tuple(index[c] for c in WHITE_COLS),
                  special_col, mult, len(cols))


def row_text(fields: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields)
    return buf.getvalue()


def check_utf8(body: bytes, shown: str = "source") -> None:
    """SourceError naming the first byte that is not UTF-8; decodes 1 MB at a time, keeps none."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(0, len(body), UTF8_STEP) or [0]:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(body[offset:offset + UTF8_STEP], final=offset + UTF8_STEP >= len(body))
        except UnicodeDecodeError as exc:
            raise SourceError(f"{shown} is not UTF-8 text (byte {offset - pending + exc.start})"
                              ) from None


def _lines(source: str | bytes):
    """A line iterator for csv: bytes are decoded as they are read, never held twice.

    (io.StringIO over a whole text would hold it again as 4 bytes a character.)
    """
    if isinstance(source, str):
        return io.StringIO(source, newline="")
    check_utf8(source)
    return io.TextIOWrapper(io.BytesIO(source), encoding="utf-8-sig", newline="")


def _nul_column(fields: list[str]) -> int | None:
    for i, field in enumerate(fields):
        if "\x00" in field:
            return i + 1
    return None


def split_fields(text: str | bytes, game: Game
                 ) -> tuple[Layout, Iterator[tuple[int, list[str]] | RawRow]]:
    """The layout and, per non-blank data row, (line, fields); a RawRow for a row that is not
    CSV (including a NUL byte, which PostgreSQL text cannot hold: shown as \\x00 in `raw`)."""
    reader = csv.reader(_lines(text))
    may_hold_nul = ("\x00" if isinstance(text, str) else b"\x00") in text  # one memchr, not per row
    try:
        header = next(reader)
    except StopIteration as exc:
        raise SourceError("source has no header line") from exc
    except csv.Error as exc:
        raise SourceError(f"source header is not CSV: {exc}") from exc
    layout = detect_layout(header, game)

    def records() -> Iterator[tuple[int, list[str]] | RawRow]:
        # A for loop over the reader (re-entered after a row that is not CSV), not next() in a
        # try per row: this loop runs once per source row.
        while True:
            try:
                for fields in reader:
                    # nothing but ASCII blanks: a blank line, nothing to keep (a first field
                    # with any other character settles it without joining the row)
                    if not fields or (not fields[0].strip(ASCII_BLANKS)
                                      and not "".join(fields).strip(ASCII_BLANKS)):
                        continue
                    if may_hold_nul and (column := _nul_column(fields)) is not None:
                        raw = row_text(fields).replace("\x00", "\\x00")
                        yield RawRow(reader.line_num, raw, "", [], "", "",
                                     f"bad_csv: NUL byte at column {column}")
                        continue
                    yield reader.line_num, fields
                return
            except csv.Error as exc:
                line = reader.line_num
                yield RawRow(line, f"<unparseable CSV: {exc}>", "", [], "", "", f"bad_csv: {exc}")

    return layout, records()


def split_rows(text: str, game: Game) -> tuple[Layout, Iterator[RawRow]]:
    layout, records = split_fields(text, game)

    def rows() -> Iterator[RawRow]:
        for record in records:
            yield record if isinstance(record, RawRow) else to_raw(*record, layout)

    return layout, rows()


def _get(fields: list[str], col: int | None) -> str:
    if col is None or col >= len(fields):
        return ""
    return fields[col].strip(ASCII_BLANKS)


def to_raw(line: int, fields: list[str], layout: Layout) -> RawRow:
    raw = row_text(fields)
    date_text = _get(fields, layout.date_col)
    problem = None
    if len(fields) < layout.width:
        problem = f"missing_fields: {len(fields)} fields, header has {layout.width}"
    if layout.numbers_col is not None:
        numbers = [n for n in _get(fields, layout.numbers_col).split(" ") if n]
        if layout.special_col is not None:
            whites, special = numbers, _get(fields, layout.special_col)
        else:
            whites, special = numbers[:-1], (numbers[-1] if numbers else "")
    else:
        whites = [_get(fields, c) for c in layout.white_cols]
        special = _get(fields, layout.special_col)
    return RawRow(line, raw, date_text, whites, special, _get(fields, layout.multiplier_col),
                  problem)
