"""Each quarantine reason, each era boundary, duplicates inside a batch (no database)."""

import datetime as dt

import pytest

from pipeline.bronze.read import split_rows
from pipeline.bronze.validate import REASON_CODES, validate_rows
from pipeline.games import get_game

TODAY = dt.date(2026, 1, 1)
HEADER = '"Draw Date","Winning Numbers","Multiplier"\n'


def check(lines: list[str], game="powerball"):
    _, rows = split_rows(HEADER + "".join(line + "\n" for line in lines), get_game(game))
    return validate_rows(list(rows), get_game(game), TODAY)


def reason(line: str) -> str:
    valid, rejects = check([line])
    assert not valid and len(rejects) == 1, (valid, rejects)
    return rejects[0][2]


@pytest.mark.parametrize(("line", "code", "names"), [
    ('"13/45/2020","01 02 03 04 05 06","2"', "bad_date", "13/45/2020"),
    ('"2020-1-4","01 02 03 04 05 06","2"', "bad_date", "2020-1-4"),
    ('"02/30/2020","01 02 03 04 05 06","2"', "bad_date", "not a calendar date"),
    ('"01/03/2026","01 02 03 04 05 06","2"', "future_date", "2026-01-03"),
    ('"04/18/1992","01 02 03 04 05 06",""', "no_era", "1992-04-18"),
    ('"01/05/2020","01 02 03 04 05 06","2"', "not_draw_day", "Sun"),
    ('"01/04/2020","01 02 03 04 06","2"', "wrong_count", "got 4"),
    ('"01/04/2020","01 02 03 04 05 06 07","2"', "wrong_count", "got 6"),
    ('"01/04/2020","01 02 x3 04 05 06","2"', "not_a_number", "'x3'"),
    ('"01/04/2020","01 02 3.0 04 05 06","2"', "not_a_number", "'3.0'"),
    ('"01/04/2020","01 02 03 04 70 06","2"', "white_out_of_range", "white ball 70 outside 1-69"),
    ('"01/04/2020","00 02 03 04 05 06","2"', "white_out_of_range", "white ball 0"),
    ('"01/04/2020","01 02 03 04 04 06","2"', "duplicate_white", "[1, 2, 3, 4, 4]"),
    ('"01/04/2020","01 02 03 04 05 27","2"', "special_out_of_range", "powerball 27 outside 1-26"),
    ('"01/04/2020","01 02 03 04 05 06","7"', "multiplier_not_allowed", "multiplier 7"),
    ('"01/04/2020","01 02 03 04 05 06","two"', "not_a_number", "'two'"),
    ('"01/04/2020","01 02 03 04 05 06"', "missing_fields", "2 fields, header has 3"),
])
def test_each_reason_names_the_value(line, code, names):
    text = reason(line)
    assert text.startswith(code + ": ") and code in REASON_CODES
    assert names in text


def test_white_ball_60_is_invalid_before_the_2015_change_and_valid_after():
    assert reason('"10/03/2015","01 02 03 04 60 06","2"').startswith("white_out_of_range")
    valid, rejects = check(['"10/07/2015","01 02 03 04 60 06","2"'])
    assert not rejects and valid[0].whites == (1, 2, 3, 4, 60)


def test_powerball_27_to_35_valid_only_before_2015_change():
    assert check(['"10/03/2015","01 02 03 04 05 35","2"'])[0]
    assert reason('"10/07/2015","01 02 03 04 05 35","2"').startswith("special_out_of_range")


def test_multiplier_follows_the_era():
    # No Power Play in 2012-2014; 10x only from 2015-10-07 in the 2014 era's successor.
    assert reason('"02/01/2012","01 02 03 04 05 06","2"').startswith("multiplier_not_allowed")
    assert check(['"02/01/2012","01 02 03 04 05 06",""'])[0]
    assert reason('"01/25/2014","01 02 03 04 05 06","10"').startswith("multiplier_not_allowed")
    assert check(['"10/10/2015","01 02 03 04 05 06","10"'])[0]


def test_monday_is_a_draw_day_only_from_2021_08_23():
    assert reason('"08/16/2021","01 02 03 04 05 06","2"').startswith("not_draw_day")
    assert check(['"08/23/2021","01 02 03 04 05 06","2"'])[0]


def test_source_order_is_kept_when_it_differs():
    valid, _ = check(['"01/06/2018","12 61 30 29 33 26","3"'])
    assert valid[0].whites == (12, 29, 30, 33, 61)
    assert valid[0].white_order_source == (12, 61, 30, 29, 33)
    assert check(['"01/04/2020","01 02 03 04 05 06","2"'])[0][0].white_order_source is None


def test_identical_duplicate_keeps_the_first_copy():
    valid, rejects = check(['"01/04/2020","01 02 03 04 05 06","2"'] * 2)
    assert [d.line_no for d in valid] == [2]
    assert rejects[0][0] == 3 and "repeats line 2" in rejects[0][2]


def test_conflicting_duplicates_are_all_quarantined():
    valid, rejects = check(['"01/04/2020","01 02 03 04 05 06","2"',
                            '"01/08/2020","01 02 03 04 05 06","2"',
                            '"01/04/2020","01 02 03 04 05 07","2"'])
    assert [d.draw_date for d in valid] == [dt.date(2020, 1, 8)]
    assert [(r[0], r[2].split(":")[0]) for r in rejects] == [
        (2, "duplicate_date_in_batch"), (4, "duplicate_date_in_batch")]
    assert "lines 2, 4" in rejects[0][2]


def test_mega_millions_export_has_its_own_special_column():
    text = ('"Draw Date","Winning Numbers","Mega Ball","Multiplier"\n'
            '"01/03/2025","05 18 20 26 37","10","03"\n')
    game = get_game("mega_millions")
    layout, rows = split_rows(text, game)
    valid, rejects = validate_rows(list(rows), game, TODAY)
    assert layout.name == "ny_open_data" and not rejects
    assert (valid[0].whites, valid[0].special, valid[0].multiplier) == ((5, 18, 20, 26, 37), 10, 3)
