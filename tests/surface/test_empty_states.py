"""Empty warehouses: each view and step says what to run and exits non-zero, writing nothing."""

from __future__ import annotations

import pytest

from tests.conftest import NORMALIZED
from tests.surface.conftest import call

INGEST_FIRST = "no powerball draws in bronze: run ingest first"


@pytest.mark.parametrize("argv", [
    ("features", "--game", "powerball"),
    ("show", "--game", "powerball"),
    ("show", "--game", "powerball", "--json"),
    ("ticket", "--game", "powerball", "--numbers", "1 2 3 4 5 + 6"),
])
def test_an_empty_bronze_says_run_ingest_first(db, argv):
    code, out, err = call(*argv)
    assert (code, out) == (1, "")
    assert [ln for ln in err.splitlines() if ln.strip()] == [
        ln for ln in err.splitlines() if INGEST_FIRST in ln] != []


def test_report_on_an_empty_gold_writes_nothing_and_says_what_to_run(db, tmp_path):
    out = tmp_path / "report.html"
    code, _, err = call("report", "--game", "powerball", "--out", str(out))
    assert code == 1 and INGEST_FIRST in err and not out.exists()
    code, _, err = call("ingest", "--game", "powerball", "--source", str(NORMALIZED),
                        "--skip-checks")
    assert code == 0, err
    code, stdout, err = call("report", "--game", "powerball", "--out", str(out))
    assert (code, stdout) == (1, "") and not out.exists()
    assert "nothing is scored in gold for powerball" in err and "evaluate" in err


def test_show_before_any_prediction_or_evaluate_says_what_to_run(db):
    code, _, err = call("ingest", "--game", "powerball", "--source", str(NORMALIZED),
                        "--skip-checks")
    assert code == 0, err
    code, out, _ = call("show", "--game", "powerball")
    assert code == 0
    assert "Picks: none yet; run: python -m pipeline predict --game powerball" in out
    assert "Verdict: none yet" in out and "evaluate --game powerball" in out
