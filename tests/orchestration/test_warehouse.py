"""The warehouse connection's fields become one URL every client accepts."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict

from pipeline.errors import ConfigError
from pipeline.orchestration.warehouse import url_from_connection


def test_fields_round_trip_through_libpq_parsing():
    url = url_from_connection("postgres", "warehouse-db", 5432, "drawpipe", "p@ss/w:rd?#",
                              "warehouse", {"sslmode": "require"})
    assert conninfo_to_dict(url) == {"host": "warehouse-db", "port": "5432", "user": "drawpipe",
                                     "password": "p@ss/w:rd?#", "dbname": "warehouse",
                                     "sslmode": "require"}


def test_unix_socket_folder_and_embedded_style_extra():
    for host, extra in (("/var/run/postgresql", {}), (None, {"host": "/var/run/postgresql"})):
        url = url_from_connection("postgresql", host, None, "postgres", "", "db", extra)
        assert conninfo_to_dict(url) == {"host": "/var/run/postgresql", "user": "postgres",
                                         "dbname": "db"}


def test_non_postgres_or_unknown_extra_refused():
    with pytest.raises(ConfigError, match="Postgres"):
        url_from_connection("mysql", "h", 3306, "u", "p", "d")
    with pytest.raises(ConfigError, match="libpq option"):
        url_from_connection("postgres", "h", 5432, "u", "p", "d", {"sslmode": "x", "evil": "1"})
