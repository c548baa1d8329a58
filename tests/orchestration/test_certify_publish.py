"""certify and publish against a real PostgreSQL, through the CLI as the DAG runs them
(in-process: call_cli)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import NY_EXPORT, call_cli, last_json

pytestmark = pytest.mark.integration


def _garbled(tmp_path):
    lines = NY_EXPORT.read_text().splitlines()
    bad = [lines[0]] + [ln if i % 3 else '"13/45/2019","xx yy zz","07"'
                        for i, ln in enumerate(lines[1:])]
    path = tmp_path / "garbled.csv"
    path.write_text("\n".join(bad) + "\n")
    return path


def test_certify_after_a_gated_publish(conn):
    started = dt.datetime.now(dt.UTC).isoformat()
    call_cli("ingest", "--game", "powerball", "--source", str(NY_EXPORT), check=True)
    proc = call_cli("certify", "bronze", "--game", "powerball", "--since", started)
    assert proc.returncode == 0, proc.stderr
    result = last_json(proc)
    assert result["certified"] is True
    gate = conn.execute("select count(*) from ops.dq_results where gate_run_id = %s",
                        (result["gate_run_id"],)).fetchone()[0]
    assert result["gate_expectations"] == gate > 0
    assert result["published_check"] is None  # the DAG's default: the gate's record suffices
    rechecked = last_json(call_cli("certify", "bronze", "--game", "powerball", "--since", started,
                                  "--recheck", check=True))
    assert rechecked["published_check"]["expectations"] > 0  # bronze has a published check


def test_no_gate_since_the_run_started_means_unchanged_not_certified(conn):
    never = call_cli("certify", "bronze", "--game", "powerball")
    assert never.returncode == 1 and "no bronze gate was ever recorded" in never.stderr
    call_cli("ingest", "--game", "powerball", "--source", str(NY_EXPORT), check=True)
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    proc = call_cli("certify", "bronze", "--game", "powerball", "--since", later)
    assert proc.returncode == 0, proc.stderr
    result = last_json(proc)
    assert result["certified"] is False and "wrote nothing new" in result["reason"]
    assert result["published_check"] is None


def test_certify_refuses_a_skipped_gate(conn):
    call_cli("ingest", "--game", "powerball", "--source", str(NY_EXPORT), "--skip-checks",
            check=True)
    proc = call_cli("certify", "bronze", "--game", "powerball")
    assert proc.returncode == 3 and "skip-checks" in proc.stderr


def test_certify_refuses_a_failed_gate(conn, tmp_path):
    call_cli("ingest", "--game", "powerball", "--source", str(NY_EXPORT), check=True)
    failed = call_cli("ingest", "--game", "powerball", "--source", str(_garbled(tmp_path)))
    assert failed.returncode == 3
    proc = call_cli("certify", "bronze", "--game", "powerball")
    assert proc.returncode == 3 and "latest_gate_passed" in proc.stderr


def test_publish_summarises_the_layers(conn):
    call_cli("ingest", "--game", "powerball", "--source", str(NY_EXPORT), check=True)
    proc = call_cli("publish", "--game", "powerball")
    assert proc.returncode == 0, proc.stderr
    result = last_json(proc)
    rows, latest = conn.execute("select count(*), max(draw_date) from bronze.draws"
                                " where game = 'powerball'").fetchone()
    assert result["layers"]["bronze"] == {"rows": rows, "latest": latest.isoformat()}
    assert result["layers"]["predictions"] == {"rows": 0, "latest": None}
    recorded = conn.execute("select status, message from ops.runs where step = 'publish'"
                            ).fetchone()
    assert recorded[0] == "success" and str(rows) in recorded[1]


def test_run_rejects_bad_params_before_any_step(conn):
    for args in (["--source", "x.csv; rm -rf /"], ["--models", "oracle"],
                 ["--from", "2025-01-01"], ["--tickets", "1000"]):
        proc = call_cli("run", "--game", "powerball", *args)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "error:" in proc.stderr
    assert conn.execute("select count(*) from ops.runs").fetchone()[0] == 0


def test_run_dry_run_publishes_nothing(conn):
    proc = call_cli("run", "--game", "powerball", "--source", str(NY_EXPORT), "--dry-run")
    assert proc.returncode == 0, proc.stderr[-2000:]
    steps = {s["step"]: s for s in last_json(proc)["steps"]}
    assert "result" in steps["ingest"] and steps["publish"]["skipped"]
    for table in ("bronze.draws", "silver.predictions", "gold.prediction_results"):
        assert conn.execute(f"select count(*) from {table}").fetchone()[0] == 0  # noqa: S608
