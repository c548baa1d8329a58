"""Property tests of the games loader: any bytes and any TOML document as the games file give
either valid Games or one clean GamesFileError line, never a traceback, never a coerced value.

Three generators: raw bytes; arbitrary TOML documents (any nesting of any value type); and
near-valid games (every key drawn from valid values, out-of-range values or any other type),
which reach the checks between keys that arbitrary documents almost never get to.
Example counts are modest (a few seconds in all); `.hypothesis/` is kept out of the repo.
"""

import datetime as dt
import json
import math
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import GamesFileError
from pipeline.games import DEFAULT_GAMES_FILE, WEEKDAYS, Game, parse_games

# CI (CI=true) replays one fixed sequence of examples, so a run cannot fail by the luck of the
# draw; elsewhere each run explores new ones.
SETTINGS = settings(max_examples=100, deadline=None, database=None,
                    derandomize=os.environ.get("CI") == "true",
                    suppress_health_check=[HealthCheck.too_slow])
ONE_LINE = re.compile(r"games file <test>: [^\n]+")


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, plus DEL, which JSON leaves raw and TOML forbids."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value) -> str:
    """`value` as a TOML inline value (arrays and inline tables for nesting)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(doc: dict) -> bytes:
    return "\n".join(f"{toml_string(k)} = {toml_value(v)}"
                     for k, v in doc.items()).encode()


LEAVES = (st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.floats()
          | st.booleans() | st.text(max_size=20) | st.dates()
          | st.sampled_from(["jackpot", "Mon", "UTC", "23:00", "powerball", "5+1"]))
NOTHING = st.nothing()
ANY = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4)
                   | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def _maybe(valid, bad=NOTHING, *, required=True):
    """A key's value: mostly valid; one time in eight a near miss or any other type; optional
    keys are left out one time in eight."""
    choice = st.integers(min_value=0, max_value=7)
    if required:
        return choice.flatmap(lambda i: valid if i else bad | ANY)
    return choice.flatmap(lambda i: valid if i > 1 else (bad | ANY if i else st.none()))


@st.composite
def near_valid_game(draw) -> dict:
    near_ints = st.integers(min_value=-3, max_value=130)
    era = {
        "from": _maybe(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1)),
                       st.dates() | st.datetimes()),
        "white_max": _maybe(st.integers(min_value=5, max_value=99), near_ints),
        "special_max": _maybe(st.integers(min_value=1, max_value=99), near_ints),
        "special_min": _maybe(st.integers(min_value=0, max_value=1), near_ints, required=False),
        "multipliers": _maybe(st.lists(st.integers(min_value=1, max_value=100), max_size=5,
                                       unique=True), st.lists(near_ints), required=False),
        "ticket_price_usd": _maybe(st.sampled_from([1, 2, 2.5]),
                                   st.floats(min_value=-1, max_value=2000), required=False),
        "prizes": _maybe(st.dictionaries(st.sampled_from(["5+1", "5+0", "4+1", "0+1"]),
                                         st.sampled_from(["jackpot", 2, 4.5, 1000000])),
                         st.dictionaries(st.sampled_from(["6+1", "x", "5+1"]),
                                         st.sampled_from([-1, "free", float("nan")])),
                         required=False),
    }
    schedule = {"from": _maybe(st.dates(min_value=dt.date(1990, 1, 1),
                                        max_value=dt.date(2030, 1, 1))),
                "weekdays": _maybe(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7,
                                            unique=True),
                                   st.lists(st.sampled_from([*WEEKDAYS, "Caturday"])))}
    game = {
        "display_name": _maybe(st.text(max_size=80).filter(
            lambda t: t and not any(ord(c) < 32 or ord(c) == 127 for c in t)),
            st.text(max_size=90), required=False),
        "special_name": _maybe(st.sampled_from(["powerball", "mega_ball"]),
                               st.sampled_from(["Bad Name", "", "x" * 41]), required=False),
        "timezone": _maybe(st.sampled_from(["UTC", "America/New_York", "Europe/Paris"]),
                           st.sampled_from(["Mars/Olympus", "../x", "/etc/passwd"]),
                           required=False),
        "draw_time": _maybe(st.sampled_from(["22:59", "23:00"]),
                            st.sampled_from(["24:00", "9:00", "22:60"]), required=False),
        "white_count": _maybe(st.just(5), st.sampled_from([4, 6, 5.0]), required=False),
        "eras": _maybe(st.lists(st.fixed_dictionaries(era), min_size=1, max_size=3)),
        "schedule": _maybe(st.lists(st.fixed_dictionaries(schedule), min_size=1, max_size=2)),
    }
    return _drop_none(draw(st.fixed_dictionaries(game)))


def _drop_none(value):
    """None stands for 'key left out' (TOML has no null)."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _check(data: bytes) -> dict | None:
    """Valid games (checked against the schema's bounds) or one clean line; nothing else."""
    try:
        games = parse_games(data, "<test>")
    except GamesFileError as exc:
        assert ONE_LINE.fullmatch(str(exc)), str(exc)
        return None
    for gid, game in games.items():
        assert isinstance(game, Game) and re.fullmatch(r"[a-z][a-z0-9_]{0,39}", gid)
        assert game.eras and game.schedules
        assert [e.start for e in game.eras] == sorted({e.start for e in game.eras})
        for era in game.eras:
            assert era.white_count == 5 and type(era.white_max) is int
            assert 5 <= era.white_max <= 99 and 1 <= era.special_max <= 99
            assert era.white_min <= era.white_max and era.special_min <= era.special_max
            assert all(type(m) is int and 1 <= m <= 100 for m in era.multipliers)
            assert all(p == "jackpot" or (type(p) in (int, float) and 0 <= p <= 1e10)
                       for p in era.prizes.values())
        assert all(s.weekdays and s.weekdays <= set(range(7)) for s in game.schedules)
    return games


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_are_games_or_one_line(data):
    _check(data)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["games", "other", "x"]), ANY, max_size=3)
       | st.fixed_dictionaries({"games": st.dictionaries(st.text(max_size=12), ANY,
                                                         max_size=3)}))
def test_any_toml_document_is_games_or_one_line(doc):
    _check(toml_document(doc))


@SETTINGS
@given(st.dictionaries(st.sampled_from(["lucky", "powerball", "Bad-Id", "a" * 41]),
                       near_valid_game(), min_size=1, max_size=2))
def test_near_valid_games_are_valid_games_or_a_line_naming_the_game(games):
    result = _check(toml_document({"games": games}))
    if result is not None:  # accepted: nothing was coerced on the way
        for gid, raw in games.items():
            eras = sorted(raw["eras"], key=lambda e: e["from"])
            assert [e.white_max for e in result[gid].eras] == [e["white_max"] for e in eras]
            assert [e.special_max for e in result[gid].eras] == [e["special_max"] for e in eras]


@SETTINGS
@given(st.data())
def test_one_changed_value_in_the_shipped_file_is_caught_or_kept_exactly(data):
    """Replace one value of the shipped file with anything: refused naming that game, or kept."""
    text = DEFAULT_GAMES_FILE.read_text()
    values = list(re.finditer(r"^(\w+) = (.+)$", text, re.MULTILINE))
    target = data.draw(st.sampled_from(values))
    new = data.draw(LEAVES | ANY)
    changed = text[:target.start(2)] + toml_value(new) + text[target.end(2):]
    game = "mega_millions" if target.start() > text.index("[games.mega_millions]") else "powerball"
    try:
        parse_games(changed.encode(), "<test>")
    except GamesFileError as exc:
        assert ONE_LINE.fullmatch(str(exc)) and f"game '{game}'" in str(exc), str(exc)
        return
    _check(changed.encode())
