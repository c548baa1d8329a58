"""The CLI contract, one process per command: `python -m pipeline <step>` prints one JSON object
on stdout (text for people from show and ticket without --json), exits 0 when it did its work,
2 on a usage error, 3 when a gate failed, each failure with one `error:` line on stderr.

Every other test calls the steps in-process (tests/conftest.py call_cli); here the process
boundary is the point. Prerequisites are built in-process on a copy of the ingested history.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import call_cli, last_json, run_cli
from tests.quality.batches import real_rows, write_csv

pytestmark = pytest.mark.system
GAME = ("--game", "powerball")


def one_json_object(proc) -> dict:
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stdout[-2000:]
    result = json.loads(lines[0])
    assert isinstance(result, dict)
    return result


def error_line(proc) -> str:
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    return line


def test_migrate_and_ingest(conn, tmp_path):
    assert one_json_object(run_cli("migrate")) is not None
    source = write_csv(tmp_path / "draws.csv", real_rows(2016))
    result = one_json_object(run_cli("ingest", *GAME, "--source", source))
    assert result["status"] == "published" and result["inserted"] == len(real_rows(2016))
    assert conn.execute("select count(*) from bronze.draws").fetchone()[0] == result["inserted"]


def test_a_failed_gate_exits_3_with_one_line_and_no_stdout(conn, tmp_path):
    source = write_csv(tmp_path / "garbage.csv",
                       real_rows(2016)[:70] + [["garbage", "x", "y"] for _ in range(30)])
    proc = run_cli("ingest", *GAME, "--source", source)
    assert proc.returncode == 3 and proc.stdout.strip() == ""
    assert error_line(proc).startswith("error: bronze gate failed for powerball")
    assert conn.execute("select count(*) from bronze.draws").fetchone()[0] == 0


def test_a_usage_error_exits_2_with_one_line(conn):
    proc = run_cli("predict", *GAME, "--for-date", "not-a-date")
    assert proc.returncode == 2 and proc.stdout.strip() == ""
    assert "--for-date" in error_line(proc)


def test_features_predict_and_backtest(history, conn):
    assert one_json_object(run_cli("features", *GAME))["rebuilt_draws"] > 0
    out = one_json_object(run_cli("predict", *GAME, "--for-date", "2026-01-03",
                                  "--models", "random"))
    assert out["last_draw_used"] == "2025-12-31"
    one_json_object(run_cli("backtest", *GAME, "--from", "2025-12-01", "--to", "2025-12-31",
                            "--models", "random"))
    assert conn.execute("select count(distinct target_draw_date) from silver.predictions"
                        ).fetchone()[0] > 1


def test_evaluate_report_show_ticket_check_certify_publish(history, conn, tmp_path):
    call_cli("backtest", *GAME, "--from", "2025-12-01", "--to", "2025-12-31",
             "--models", "random,frequency", check=True)
    assert one_json_object(run_cli("evaluate", *GAME))["scored"] > 0
    report = tmp_path / "report.html"
    assert one_json_object(run_cli("report", *GAME, "--out", str(report)))["figures"] >= 1
    assert report.read_text().startswith("<!")
    assert "random" in json.dumps(one_json_object(run_cli("show", *GAME, "--json")))
    people = run_cli("show", *GAME)
    assert people.returncode == 0 and people.stdout.strip() and not people.stdout.startswith("{")
    one_json_object(run_cli("ticket", *GAME, "--numbers", "5 12 23 41 60 + 14", "--json"))
    assert one_json_object(run_cli("check", "bronze", *GAME))["status"] == "passed"
    bad = run_cli("check", "bronze", *GAME, "--partition", "last-week")
    assert bad.returncode == 1 and "last-week" in error_line(bad)


def test_run_every_step_in_one_process(conn, tmp_path):
    source = write_csv(tmp_path / "draws.csv", real_rows(2024) + real_rows(2025))
    result = last_json(run_cli("run", *GAME, "--source", source, check=True))
    assert {"ingest", "publish"} <= {s["step"] for s in result["steps"]}
    for table in ("bronze.draws", "silver.predictions"):  # the next draw's picks stay pending
        assert conn.execute(f"select count(*) from {table}").fetchone()[0] > 0, table  # noqa: S608
