import datetime as dt

import pytest

from pipeline.errors import ConfigError
from pipeline.games import _load, get_game, load_games

D = dt.date


def test_shipped_games_have_all_powerball_eras():
    pb = get_game("powerball")
    assert [e.name for e in pb.eras] == [
        "1992-04-22", "1997-11-05", "2001-03-07", "2002-10-09", "2005-08-31", "2009-01-07",
        "2012-01-15", "2014-01-22", "2015-10-07"]
    assert set(load_games()) >= {"powerball", "mega_millions"}


@pytest.mark.parametrize(("day", "white_max", "special_max"), [
    (D(2015, 10, 3), 59, 35), (D(2015, 10, 7), 69, 26), (D(2012, 1, 14), 59, 39),
    (D(2012, 1, 18), 59, 35), (D(1992, 4, 22), 45, 45)])
def test_era_boundaries(day, white_max, special_max):
    era = get_game("powerball").era_for(day)
    assert (era.white_max, era.special_max) == (white_max, special_max)


def test_before_first_era_has_no_era():
    assert get_game("powerball").era_for(D(1992, 4, 21)) is None


def test_draw_days_follow_the_schedule():
    pb = get_game("powerball")
    assert not pb.is_draw_day(D(2021, 8, 16))  # a Monday before Monday draws began
    assert pb.is_draw_day(D(2021, 8, 23))
    assert pb.next_draw_date(D(2026, 1, 2)) == D(2026, 1, 3)
    assert pb.next_draw_date(D(2025, 12, 31)) == D(2026, 1, 3)
    mm = get_game("mega_millions")
    assert [d.weekday() for d in mm.draw_dates(D(2025, 1, 1), D(2025, 1, 10))] == [4, 1, 4]


def test_unknown_game_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown game 'keno'.*powerball"):
        get_game("keno")


def test_a_game_added_by_configuration(tmp_path, monkeypatch):
    path = tmp_path / "games.toml"
    path.write_text("""
[games.lucky_five]
display_name = "Lucky Five"
special_name = "lucky_ball"
[[games.lucky_five.schedule]]
from = 2020-01-01
weekdays = ["Thu"]
[[games.lucky_five.eras]]
from = 2020-01-01
white_max = 40
special_max = 10
multipliers = []
""")
    monkeypatch.setenv("PIPELINE_GAMES_FILE", str(path))
    game = get_game("lucky_five")
    assert game.era_for(D(2024, 5, 2)).white_max == 40
    assert game.is_draw_day(D(2024, 5, 2)) and not game.is_draw_day(D(2024, 5, 3))


@pytest.mark.parametrize(("body", "message"), [
    ("[games.x]\n", "needs at least one \\[\\[eras\\]\\]"),
    ("not toml = = 1", "not valid TOML"),
    ("[other]\n", "defines no"),
    ("[games.x]\nwhite_count = 6\n", "only 5\\+1 games"),
])
def test_malformed_games_file_names_the_problem(tmp_path, body, message):
    path = tmp_path / "g.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message):
        _load(str(path))
