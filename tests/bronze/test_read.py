import pytest

from pipeline.bronze.read import detect_layout
from pipeline.errors import SourceError
from pipeline.games import get_game

PB = get_game("powerball")


@pytest.mark.parametrize(("header", "name"), [
    (["Draw Date", "Winning Numbers", "Multiplier"], "ny_open_data"),
    (["Draw Date", "Winning Numbers", "Multiplier", "Jackpot", "Extra"], "ny_open_data"),
    (["draw_date", "white_1", "white_2", "white_3", "white_4", "white_5", "powerball",
      "multiplier"], "normalized"),
    (["draw_date", "white_1", "white_2", "white_3", "white_4", "white_5", "special_ball"],
     "normalized"),
])
def test_layouts_are_detected_from_the_header(header, name):
    assert detect_layout(header, PB).name == name


def test_unknown_extra_columns_do_not_move_fields():
    layout = detect_layout(["Notes", "Draw Date", "Multiplier", "Winning Numbers"], PB)
    assert (layout.date_col, layout.multiplier_col, layout.numbers_col) == (1, 2, 3)


@pytest.mark.parametrize(("header", "message"), [
    (["Date", "Numbers"], "no 'Draw Date'"),
    (["draw_date", "white_1", "white_2", "white_3", "white_4", "white_5", "bonus"],
     "missing column"),
    (["draw_date", "white_1", "white_2", "white_3", "white_4", "powerball"], "white_5"),
])
def test_unknown_header_is_refused_naming_it(header, message):
    with pytest.raises(SourceError, match=message):
        detect_layout(header, PB)
