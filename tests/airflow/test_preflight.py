"""The ingest task's preflight: an http(s) source whose host cannot be resolved fails at once.

Real name resolution, no mocks: `.invalid` is reserved (RFC 6761) and never resolves.
"""

from __future__ import annotations

import time

import pytest

from pipeline.orchestration.preflight import source_host_problem

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
              "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def no_proxy(monkeypatch):
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


def test_unresolvable_host_is_one_clear_line(no_proxy):
    started = time.perf_counter()
    problem = source_host_problem("https://data.invalid/api/views/x/rows.csv?accessType=DOWNLOAD",
                                  local_example="data/powerball/export.csv")
    assert time.perf_counter() - started < 6  # bounded by the resolver timeout
    assert problem is not None and "\n" not in problem
    assert problem.startswith("source host data.invalid cannot be resolved (")
    assert "a retry would not help" in problem and "data/powerball/export.csv" in problem


def test_paths_and_resolvable_hosts_pass(no_proxy):
    assert source_host_problem("data/powerball/ny_open_data_export_2010_2025.csv") is None
    assert source_host_problem(None) is None
    assert source_host_problem("http://localhost:9/rows.csv") is None  # resolves; fetch may fail
    assert source_host_problem("http://127.0.0.1:1/rows.csv") is None


def test_through_a_proxy_the_proxy_host_must_resolve(no_proxy, monkeypatch):
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    problem = source_host_problem("https://data.ny.gov/rows.csv")
    assert problem is not None and problem.startswith("proxy host proxy.invalid cannot")
    monkeypatch.setenv("https_proxy", "http://localhost:3128")
    # The proxy resolves: whether data.invalid does is the proxy's business, not this machine's.
    assert source_host_problem("https://data.invalid/rows.csv") is None
