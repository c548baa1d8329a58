import datetime as dt

import pytest

from pipeline.errors import ConfigError, GamesFileError
from pipeline.games import DEFAULT_GAMES_FILE, _load, get_game, load_games

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
    ("[games.x]\n", "game 'x': schedule: is required"),
    ("not toml = = 1", "not valid TOML"),
    ("[other]\n", "unknown key 'other'"),
    ("[games.x]\nwhite_count = 6\n", "white_count: must be an integer 5 \\(only 5\\+1 games"),
])
def test_malformed_games_file_names_the_problem(tmp_path, body, message):
    path = tmp_path / "g.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message):
        _load(str(path))


SHIPPED = DEFAULT_GAMES_FILE.read_text()
# (what the operator wrote, the games file as text, the one line that must come out)
BAD_FILES = [
    ("special_max = 0", SHIPPED.replace("special_max = 26", "special_max = 0"),
     "game 'powerball': eras[9].special_max: must be an integer from 1 to 99, got 0"),
    ("special_max < special_min",
     SHIPPED.replace("special_max = 26", "special_max = 26\nspecial_min = 30"),
     "game 'powerball': eras[9].special_max: 26 is below special_min 30"),
    ("white_max = 10^8", SHIPPED.replace("white_max = 69", "white_max = 100000000"),
     "game 'powerball': eras[9].white_max: must be an integer from 5 to 99, got 100000000"),
    ("special_name = 123", SHIPPED.replace('special_name = "mega_ball"', "special_name = 123"),
     "game 'mega_millions': special_name: must be a lower-case column name, got 123"),
    ('eras = "x"', '[games.lucky]\neras = "x"\n',
     "game 'lucky': eras: must be a list of 1 to 100 entries, got 'x'"),
    ("multiplier as text", SHIPPED.replace("multipliers = [2, 3, 4]", 'multipliers = ["2"]'),
     "game 'mega_millions': eras[3].multipliers[1]: must be an integer from 1 to 100, got '2'"),
    ("a typo", SHIPPED.replace("white_max = 45", "white_mx = 45"),
     "game 'powerball': eras[1]: unknown key 'white_mx'"),
    ("bad time zone", SHIPPED.replace('"America/New_York"', '"Mars/Olympus"', 1),
     "game 'powerball': timezone: unknown time zone 'Mars/Olympus'"),
    ("weekday", SHIPPED.replace('["Wed", "Sat"]', '["Wed", "Caturday"]'),
     "game 'powerball': schedule[1].weekdays[2]: must be one of Mon, Tue"),
    ("deep nesting", "games = " + "[" * 3000 + "]" * 3000, "nests arrays or tables too deeply"),
    ("binary", "\x00\x01 binary \udcff", "is not UTF-8 text (byte "),
    ("empty", "", "games: is required"),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_games_file_is_one_line_naming_game_and_key(tmp_path, case, text, expected):
    path = tmp_path / "games.toml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(GamesFileError) as info:
        _load(str(path))
    message = str(info.value)
    assert message.startswith(f"games file {path}: ") and expected in message
    assert "\n" not in message


def test_the_games_file_must_be_a_regular_file_of_sane_size(tmp_path):
    with pytest.raises(GamesFileError, match="is not a regular file"):
        _load(str(tmp_path))
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (2 << 20))
    with pytest.raises(GamesFileError, match="is larger than 1048576 bytes"):
        _load(str(big))
    with pytest.raises(GamesFileError, match="games file not found"):
        _load(str(tmp_path / "missing.toml"))


@pytest.mark.integration
def test_a_bad_games_file_exits_2_before_any_step_touches_the_warehouse(
        conn, tmp_path, monkeypatch, capsys):
    from pipeline.cli import main

    path = tmp_path / "games.toml"
    path.write_text(SHIPPED.replace("white_max = 69", "white_max = 100000000"))
    monkeypatch.setenv("PIPELINE_GAMES_FILE", str(path))
    for argv in (["ingest", "--game", "powerball", "--source", "x.csv"],
                 ["features", "--game", "powerball"], ["run", "--game", "powerball"]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.splitlines() == [
            f"error: games file {path}: game 'powerball': eras[9].white_max: must be an integer"
            " from 5 to 99, got 100000000"]
    assert conn.execute("select count(*) from ops.runs").fetchone()[0] == 0
