"""The local step runner: an argv in, the step's JSON out, its exit code kept on failure."""

from __future__ import annotations

import pytest

from pipeline.orchestration.runner import StepFailed, run_step, step_env
from tests.conftest import NY_EXPORT

pytestmark = pytest.mark.system  # the runner starts `python -m pipeline` processes


def test_usage_error_keeps_exit_code_2_and_the_message():
    with pytest.raises(StepFailed) as info:
        run_step(["ingest", "--game", "no_such_game"])
    assert info.value.returncode == 2 and not info.value.gate_failed
    assert "unknown game" in str(info.value)


def test_shell_text_stays_one_argument(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(StepFailed) as info:
        run_step(["ingest", "--game", "powerball", "--source", f"x.csv; touch {marker}",
                  "--dry-run"], env=step_env("postgresql://nobody@127.0.0.1:1/none"))
    assert info.value.returncode != 0
    assert not marker.exists()


def test_result_json_and_gate_failure_exit_3(db, tmp_path):
    result = run_step(["ingest", "--game", "powerball", "--source", str(NY_EXPORT)],
                      env=step_env(db))
    assert result["inserted"] > 1800
    bad = tmp_path / "bad.csv"
    bad.write_text(NY_EXPORT.read_text().splitlines()[0] + "\n"
                   + '"13/45/2019","xx yy zz","07"\n' * 50)
    with pytest.raises(StepFailed) as info:
        run_step(["ingest", "--game", "powerball", "--source", str(bad)], env=step_env(db))
    assert info.value.gate_failed and "gate failed" in str(info.value)
