"""Property tests (hypothesis) for the row validator and the source readers (no database).

Whatever a field, a row or a whole source holds, the outcome is a valid typed draw, a
quarantined row with a reason code, or one SourceError line: never a traceback, never a
coerced value. Every accepted number re-serialises to ASCII digits that were literally in the
input. Example counts are modest (the file runs in seconds) and the example database is off.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.bronze.batch import validate_source
from pipeline.bronze.read import RawRow, read_source, split_rows
from pipeline.bronze.validate import REASON_CODES, Rejected, validate_row, validate_rows
from pipeline.errors import SourceError
from pipeline.games import get_game
from tests.conftest import NY_EXPORT

# CI (CI=true) replays one fixed sequence of examples, so a run cannot fail by the luck of the
# draw; elsewhere each run explores new ones.
SETTINGS = settings(max_examples=100, deadline=None, database=None,
                    derandomize=os.environ.get("CI") == "true",
                    suppress_health_check=[HealthCheck.too_slow])
TODAY = dt.date(2026, 1, 1)
GAME = get_game("powerball")
HEADER = '"Draw Date","Winning Numbers","Multiplier"\n'
ASCII_NUMBER = re.compile(r"[0-9]+", re.ASCII)
ASCII_DATES = (re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})", re.ASCII),
               re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII))
# Real draws, so that most unmutated rows are valid and the accept path is exercised.
BASE = [next(csv.reader([line])) for line in NY_EXPORT.read_text().splitlines()[1:80]]
# Characters int(), \d and str.split() accept beyond ASCII, and a few more.
DIGITS = "\u0660\u0662\u0665\u06f5\u0966\uff10\uff11\uff15\U0001d7ce\u00b2\u2460\u0e53"
SPACES = "\u00a0\u2003\u2009\u3000\u1680\u200b\t\x0b\x0c\x1c\x85\u2028"
ODD = DIGITS + SPACES + "\x00\ufeff\u202e-+._,x"

field_text = st.one_of(st.text(max_size=8), st.text(alphabet=ODD, max_size=4),
                       st.integers(0, 120).map(str))


@st.composite
def mutated(draw, text: str) -> str:
    """`text` with a character swapped, inserted or replaced by a Unicode look-alike."""
    kind = draw(st.sampled_from(["keep", "insert", "replace", "digit", "space", "field"]))
    if kind == "keep" or not text:
        return text
    at = draw(st.integers(0, len(text) - 1))
    if kind == "insert":
        return text[:at] + draw(st.sampled_from(ODD)) + text[at:]
    if kind == "replace":
        return text[:at] + draw(st.characters()) + text[at + 1:]
    if kind == "digit" and text[at].isdigit():  # the same value, written in another script
        zero = draw(st.sampled_from([0x660, 0x6F0, 0x966, 0xFF10, 0x1D7CE, 0xE50]))
        return text[:at] + chr(zero + int(text[at])) + text[at + 1:]
    if kind == "space" and " " in text:
        return text.replace(" ", draw(st.sampled_from(SPACES)), 1)
    return draw(field_text)


@st.composite
def hostile_rows(draw) -> list[str]:
    """[date, numbers, multiplier] of a real draw, each field possibly mutated."""
    date, numbers, multiplier = draw(st.sampled_from(BASE))
    return [draw(mutated(date)), draw(mutated(numbers)), draw(mutated(multiplier))]


def assert_literal(text: str, value: int | None) -> None:
    """An accepted value must be exactly the ASCII digits written in the input."""
    if value is None:
        assert text == ""
        return
    assert ASCII_NUMBER.fullmatch(text), text
    assert int(text) == value


def assert_date_literal(text: str, day: dt.date) -> None:
    us, iso = (p.fullmatch(text) for p in ASCII_DATES)
    assert us or iso, text
    month, d, year = us.groups() if us else (iso.group(2), iso.group(3), iso.group(1))
    assert (int(year), int(month), int(d)) == (day.year, day.month, day.day)


def check_outcome(row: RawRow):
    try:
        draw = validate_row(row, GAME, TODAY)
    except Rejected as exc:
        assert exc.code in REASON_CODES and str(exc).startswith(f"{exc.code}: ")
        assert "\n" not in str(exc)
        return None
    assert_date_literal(row.date_text, draw.draw_date)
    given_order = draw.white_order_source or draw.whites
    assert len(row.whites) == len(given_order) == 5
    for text, value in zip(row.whites, given_order, strict=True):
        assert_literal(text, value)
    assert_literal(row.special, draw.special)
    assert_literal(row.multiplier, draw.multiplier)
    assert draw.whites == tuple(sorted(draw.whites))
    return draw


def maybe_mutated(text: str):
    return st.one_of(st.just(text), mutated(text))


@st.composite
def field_rows(draw) -> RawRow:
    """A real draw's fields, each kept or mutated, or any texts at all."""
    date, numbers, multiplier = draw(st.sampled_from(BASE))
    nums = numbers.split(" ")
    whites = draw(st.one_of(st.tuples(*map(maybe_mutated, nums[:5])).map(list),
                            st.lists(field_text, max_size=7)))
    return RawRow(2, "raw", draw(st.one_of(maybe_mutated(date), st.text())), whites,
                  draw(st.one_of(maybe_mutated(nums[5]), field_text)),
                  draw(st.one_of(maybe_mutated(multiplier), field_text)))


@SETTINGS
@given(row=field_rows())
def test_any_fields_give_a_literal_draw_or_a_reason(row):
    check_outcome(row)


@settings(SETTINGS, max_examples=50)  # three validations of a whole source per example
@given(rows=st.lists(hostile_rows(), min_size=1, max_size=12), chunk=st.integers(1, 5))
def test_any_rows_through_the_readers(rows, chunk):
    """Whole sources: the chunked fast path, the row path and every chunk size agree, and
    every staged value is literally in its row."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = HEADER + buf.getvalue()
    layout, raw_rows = split_rows(text, GAME)
    raw_rows = list(raw_rows)
    valid, rejects = validate_rows(raw_rows, GAME, TODAY)
    for row in raw_rows:
        check_outcome(row)
    whole = validate_source(text.encode(), GAME, TODAY)
    chunked = validate_source(text.encode(), GAME, TODAY, chunk_rows=chunk)
    assert whole == chunked
    assert whole.rejects == rejects
    assert [s[0] for s in whole.staged] == [d.line_no for d in valid]
    assert whole.rows_read == len(raw_rows)
    by_line = {r.line_no: r for r in raw_rows}
    for line_no, day, *whites, special, multiplier, order, _era, _hash in whole.staged:
        row = by_line[line_no]
        assert_date_literal(row.date_text, day)
        for text_value, value in zip(row.whites, order or whites, strict=True):
            assert_literal(text_value, value)
        assert_literal(row.special, special)
        assert_literal(row.multiplier, multiplier)


@SETTINGS
@given(body=st.one_of(st.binary(max_size=300),
                      st.binary(max_size=200).map(lambda b: HEADER.encode() + b),
                      st.lists(hostile_rows(), max_size=5).map(
                          lambda rows: (HEADER + "".join(",".join(r) + "\r\n" for r in rows)
                                        ).encode("utf-8", "surrogatepass"))))
def test_any_bytes_as_a_source_file(body):
    """Any file: its exact bytes and a validated batch, or one SourceError line."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "source.csv"
        path.write_bytes(body)
        try:
            data = read_source(str(path))
            checked = validate_source(data, GAME, TODAY)
        except SourceError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
    assert data == body
    for _line, _raw, reason in checked.rejects:
        assert reason.split(":")[0] in REASON_CODES
        assert "\x00" not in _raw  # PostgreSQL text cannot hold it
    assert checked.rows_read == len(checked.staged) + len(checked.rejects)
