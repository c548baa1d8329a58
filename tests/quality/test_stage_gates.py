"""The features, predictions and gold gates on real PostgreSQL: a bad row slipped into a step's
staging between its write and its gate fails the right gate, names the expectation, publishes
nothing; a good run records every expectation as a success; `check <stage>` re-audits what is
published.

Bad rows are injected by wrapping the `run_gate` of the write-audit-publish engine that every
step's gate goes through (pipeline/wap.py: the real gate runs after the tamper, on the step's own
connection, inside the step's gate transaction): production code is as is.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import wap
from pipeline.gold import evaluate as evaluate_module
from pipeline.quality import gate
from pipeline.quality.results import GateFailedError
from pipeline.silver import features
from pipeline.silver.config import load_config
from pipeline.silver.predict import backtest
from tests.conftest import call_cli, last_json
from tests.quality.checksums import published_checksums

pytestmark = pytest.mark.integration

MODELS = "random,frequency"
FROM, TO = dt.date(2025, 11, 1), dt.date(2025, 12, 31)
UNIQUE_WHITES = ("expect_select_column_values_to_be_unique_within_record"
                 "(white_1, white_2, white_3, white_4, white_5)")


def run_backtest():
    return backtest("powerball", FROM, TO, load_config(), MODELS)


@pytest.fixture
def bronze(history, conn):
    """The shipped history in bronze (a copy of the template database: no ingest)."""


def _full_run(url: str) -> None:
    features.build_features("powerball")
    run_backtest()
    evaluate_module.evaluate("powerball")


@pytest.fixture
def history_build(request):
    return ("stage_gates_full_run", _full_run) if "full_run" in request.fixturenames else None


@pytest.fixture
def full_run(history, conn):
    """features, a short backtest and evaluate on the ingested history: every layer published
    through its gate (run once per process into a template database; each test gets a copy)."""


def tamper_before_gate(monkeypatch, statement: str, params: dict | None = None):
    """Make the next gate see its staged rows changed by `statement` (on the step's conn)."""
    real = gate.run_gate

    def tampered(conn, stage, game, partition, staging_id, **kwargs):
        conn.execute(statement, {"staging_id": staging_id, **(params or {})})
        return real(conn, stage, game, partition, staging_id, **kwargs)

    monkeypatch.setattr(wap, "run_gate", tampered)


def fails(conn, stage: str, step, expectation: str) -> GateFailedError:
    before = published_checksums(conn)
    with pytest.raises(GateFailedError) as info:
        step()
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{stage} gate failed for powerball")
    assert expectation in message
    assert expectation in [f.expectation for f in info.value.failures]
    assert published_checksums(conn) == before
    recorded = conn.execute(
        "select success from ops.dq_results where stage = %s and expectation = %s"
        " order by checked_at desc limit 1", (stage, expectation)).fetchone()
    assert recorded == (False,)
    return info.value


def staged(conn, table: str) -> int:
    return conn.execute(f"select count(*) from staging.{table}").fetchone()[0]  # noqa: S608


# Each features expectation failing on tampered staged rows, the gate called directly:
# tests/silver/test_features.py::test_gate_rejects_bad_features. Here one of them through the
# whole step and the engine (one-line message, ops.dq_results, staged rows kept).
def test_features_missing_a_valid_number_fail_the_features_gate(conn, bronze, monkeypatch):
    tamper_before_gate(monkeypatch,
                       "delete from staging.number_features where staging_id = %(staging_id)s"
                       " and draw_date = '2025-12-29' and ball_type = 'white' and number = 69")
    error = fails(conn, "features", lambda: features.build_features("powerball"),
                  "features_every_valid_number_once_per_draw")
    assert "2025-12-29" in str(error) and "missing" in str(error)
    assert staged(conn, "number_features") > 0  # kept for inspection


def test_a_prediction_with_a_repeated_number_fails_the_predictions_gate(conn, bronze,
                                                                       monkeypatch):
    tamper_before_gate(monkeypatch,
                       "update staging.predictions set white_2 = white_1"
                       " where staging_id = %(staging_id)s and model_name = 'frequency'"
                       " and target_draw_date = '2025-12-01'")
    error = fails(conn, "predictions", run_backtest, UNIQUE_WHITES)
    assert "2025-12-01" in str(error) and "frequency" in str(error)
    assert "predictions_valid_distinct_numbers_for_era" in str(error)


def test_a_training_window_reaching_the_target_fails_the_predictions_gate(conn, bronze,
                                                                         monkeypatch):
    tamper_before_gate(monkeypatch,
                       "update staging.model_runs set train_last_draw = '2025-12-31'"
                       " where staging_id = %(staging_id)s and model_name = 'random'")
    error = fails(conn, "predictions", run_backtest, "predictions_target_after_training_window")
    assert "expect_column_pair_values_a_to_be_greater_than_b(target_draw_date, train_last_draw)" \
        in [f.expectation for f in error.failures]


def test_a_gold_tier_contradicting_its_matches_fails_the_gold_gate(conn, full_run, monkeypatch):
    tamper_before_gate(monkeypatch,
                       "update staging.prediction_results set prize_tier = '5+1'"
                       " where ctid = (select ctid from staging.prediction_results"
                       " where staging_id = %(staging_id)s and white_matches = 0"
                       " and not special_match limit 1)")
    error = fails(conn, "gold", lambda: evaluate_module.evaluate("powerball"),
                  "expect_column_values_to_be_in_set(outcome)")
    assert ":0+0 -> 5+1" in str(error)
    assert "gold_prize_tier_consistent_with_matches" in [f.expectation for f in error.failures]
    assert staged(conn, "prediction_results") > 0


def test_a_full_run_records_every_expectation_as_a_success(conn, full_run):
    rows = conn.execute(
        "select stage, expectation, severity, success from ops.dq_results"
        " where stage in ('bronze', 'features', 'predictions', 'gold')").fetchall()
    stages = {r[0] for r in rows}
    assert stages == {"bronze", "features", "predictions", "gold"}
    failed = [r for r in rows if not r[3] and r[2] == "error"]
    assert not failed
    for stage in ("features", "predictions", "gold"):
        kinds = {r[1] for r in rows if r[0] == stage}
        assert any(k.startswith("expect_") for k in kinds), stage  # GX ran
        assert any(not k.startswith("expect_") for k in kinds), stage  # SQL audits ran
    # the only failed expectations are warnings (none expected from the normalized source)
    assert all(r[3] for r in rows if r[0] != "bronze")


@pytest.mark.parametrize("stage", ["features", "predictions", "gold"])
def test_check_stage_passes_on_what_is_published(conn, full_run, stage):
    proc = call_cli("check", stage, "--game", "powerball")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = last_json(proc)
    assert result["status"] == "passed" and result["warnings"] == []
    rows = conn.execute("select success from ops.dq_results where stage = %s"
                        " and partition = 'published'", (stage,)).fetchall()
    assert len(rows) == result["expectations"] and all(r[0] for r in rows)


@pytest.mark.parametrize("stage, damage, expectation", [
    ("features", "update silver.number_features set hits_10 = hits_10 + 1"
                 " where draw_date = '2025-12-01' and ball_type = 'white' and number = 5",
     "features_counts_match_bronze_recount"),
    ("predictions", "update silver.model_runs set train_last_draw = '2026-01-01'"
                    " where model_name = 'frequency'",
     "predictions_target_after_training_window"),
    ("gold", "update gold.prediction_results set white_matches = 6"
             " where target_draw_date = '2025-12-01' and model_name = 'random'",
     "expect_column_values_to_be_between(white_matches)"),
])
def test_check_stage_fails_on_damaged_published_rows(conn, full_run, stage, damage,
                                                     expectation):
    conn.execute("alter table gold.prediction_results drop constraint if exists"
                 " prediction_results_white_matches_check") if stage == "gold" else None
    conn.execute(damage)
    proc = call_cli("check", stage, "--game", "powerball", "--partition", "2025")
    assert proc.returncode == 3, proc.stderr[-2000:]
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert f"{stage} gate failed for powerball [2025]" in line and expectation in line
