"""The gates from the command line: exit code 3 and one clear line on failure, --skip-checks
recorded in ops.runs and ops.dq_results, `check bronze` against the published draws.

Steps run in-process (call_cli); tests/system/test_cli_contract.py runs them as processes."""

from __future__ import annotations

import pytest

from tests.conftest import NY_EXPORT, call_cli, last_json
from tests.quality.batches import real_rows, write_csv
from tests.quality.checksums import published_checksums

pytestmark = pytest.mark.integration


def error_lines(proc) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]


@pytest.fixture
def history_source():
    return NY_EXPORT


@pytest.fixture
def published(history, conn):
    """The NY export in bronze (a copy of the template database, ingested once)."""
    assert conn.execute("select count(*) from bronze.draws").fetchone()[0] == 1883


def garbage_batch(tmp_path) -> str:
    return write_csv(tmp_path / "garbage.csv",
                     real_rows(2016)[:70] + [["garbage", "x", "y"] for _ in range(30)])


def test_failed_gate_exits_3_with_one_line_naming_the_expectation(conn, published, tmp_path):
    before = published_checksums(conn)
    proc = call_cli("ingest", "--game", "powerball", "--source", garbage_batch(tmp_path))
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert proc.stdout.strip() == ""
    (line,) = error_lines(proc)
    assert line.startswith("error: bronze gate failed for powerball")
    assert "quarantine_rate_below_threshold" in line
    assert published_checksums(conn) == before
    run = conn.execute("select status, skip_checks, message from ops.runs where step = 'ingest'"
                       " order by started_at desc limit 1").fetchone()
    assert run[0] == "failed" and run[1] is False and "quarantine_rate" in run[2]


def test_skip_checks_publishes_and_is_recorded(conn, published, tmp_path):
    proc = call_cli("ingest", "--game", "powerball", "--source", garbage_batch(tmp_path),
                   "--skip-checks")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = last_json(proc)
    assert result["status"] == "published" and result["quarantined"] == 30
    run = conn.execute("select status, skip_checks from ops.runs where step = 'ingest'"
                       " order by started_at desc limit 1").fetchone()
    assert run == ("success", True)
    gate = conn.execute("select expectation, severity, success, skipped from ops.dq_results"
                        " where partition = %s", (f"batch:{result['batch_id']}",)).fetchall()
    assert gate == [("gate_skipped_by_operator", "warn", True, True)]


def test_check_bronze_passes_on_the_published_draws_and_records_them(conn, published):
    proc = call_cli("check", "bronze", "--game", "powerball")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = last_json(proc)
    assert result["status"] == "passed" and result["warnings"] == ["scheduled_draw_dates_present"]
    rows = conn.execute("select expectation, severity, success from ops.dq_results"
                        " where stage = 'bronze' and partition = 'published'").fetchall()
    assert len(rows) == result["expectations"]
    assert all(ok for _, sev, ok in rows if sev == "error")
    run = conn.execute("select status, partition from ops.runs where step = 'check'").fetchone()
    assert run == ("success", "published")


def test_check_bronze_fails_on_a_published_draw_that_breaks_its_era(conn, published):
    conn.execute("update bronze.draws set special_ball = 27"
                 " where game = 'powerball' and draw_date = '2016-01-13'")
    proc = call_cli("check", "bronze", "--game", "powerball", "--partition", "2016")
    assert proc.returncode == 3, proc.stderr[-2000:]
    (line,) = error_lines(proc)
    assert "bronze gate failed for powerball [2016]" in line
    assert "rule_special_max, special_ball" in line and "2016-01-13" in line
    # Outside the partition the damage is not seen.
    assert call_cli("check", "bronze", "--game", "powerball", "--partition",
                   "2017-01-01..2017-12-31").returncode == 0


def test_check_rejects_a_bad_partition(conn):
    proc = call_cli("check", "bronze", "--game", "powerball", "--partition", "last-week")
    assert proc.returncode == 1
    (line,) = error_lines(proc)
    assert "bronze partition 'last-week'" in line


PUBLISHING_STEPS = ("ingest", "features", "predict", "backtest", "evaluate")


@pytest.mark.parametrize("step", PUBLISHING_STEPS)
def test_every_publishing_step_offers_skip_checks(step):
    import argparse

    from pipeline.cli import _module

    module = _module(step)
    if module is None:
        pytest.skip(f"step {step} is not in this build yet")
    parser = argparse.ArgumentParser()
    module.configure(parser)
    assert "--skip-checks" in parser._option_string_actions
