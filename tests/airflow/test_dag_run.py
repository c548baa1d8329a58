"""dag.test() of powerball_medallion on the shipped data against a real PostgreSQL.

The tests share one warehouse, in file order: the first run builds it, and each later run must
leave it exactly as the first left it (a rerun, a bad source, a dry run).
"""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest

from tests.airflow.conftest import airflow_connection
from tests.conftest import NORMALIZED, NY_EXPORT, last_json, run_cli
from tests.dbutil import create_database, drop_database, truncate_all
from tests.orchestration.warehouse_state import changed, snapshot

pytestmark = [pytest.mark.airflow, pytest.mark.slow]
DAG_ID = "powerball_medallion"
LOGICAL = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
TARGET = dt.date(2026, 1, 3)  # the first Powerball draw after the logical date
CHECKS = ("check_bronze", "check_features", "check_predictions", "check_gold")


def _task_states(run_id: str) -> dict[str, str]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        tis = session.query(TaskInstance).filter_by(dag_id=DAG_ID, run_id=run_id).all()
        return {ti.task_id: str(ti.state.value if hasattr(ti.state, "value") else ti.state)
                for ti in tis}


def _asset_events(run_id: str) -> dict[str, dict]:
    """The Asset events a run emitted: task_id -> {"uri": ..., "extra": ...}."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (session.query(AssetEvent.source_task_id, AssetModel.uri, AssetEvent.extra)
                .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
                .filter(AssetEvent.source_dag_id == DAG_ID, AssetEvent.source_run_id == run_id)
                .all())
    return {task: {"uri": uri, "extra": extra} for task, uri, extra in rows}


def _run(dagbag, conf: dict, logical=LOGICAL, *, with_run_id=False):
    started = time.perf_counter()
    dag_run = dagbag.get_dag(DAG_ID).test(logical_date=logical, run_conf=conf)
    took = time.perf_counter() - started
    states = _task_states(dag_run.run_id)
    print(f"\ndag.test({conf}) -> {dag_run.state} in {took:.1f}s: {states}")
    if with_run_id:
        return str(dag_run.state), states, dag_run.run_id
    return str(dag_run.state), states


@pytest.fixture(scope="module")
def warehouse(database_url, airflow_home):
    """The session database, emptied once for this module, as the `warehouse` connection."""
    truncate_all(database_url)
    mp = pytest.MonkeyPatch()
    mp.setenv("AIRFLOW_CONN_WAREHOUSE", airflow_connection(database_url))
    # The steps must reach the warehouse through the connection, not an inherited variable.
    mp.setenv("PIPELINE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/not_the_warehouse")
    yield database_url
    mp.undo()


@pytest.fixture(scope="module")
def first_run(dagbag, warehouse):
    state, states, run_id = _run(dagbag, {"source": str(NY_EXPORT)}, with_run_id=True)
    return {"state": state, "tasks": states, "run_id": run_id,
            "full": snapshot(warehouse, content_only=False),
            "content": snapshot(warehouse, content_only=True)}


def test_nightly_run_succeeds_and_predicts_the_next_draw(first_run, warehouse):
    assert first_run["state"] == "success", first_run["tasks"]
    assert set(first_run["tasks"].values()) == {"success"}
    with psycopg.connect(warehouse) as conn:
        draws = conn.execute("select count(*) from bronze.draws where game = 'powerball'"
                             ).fetchone()[0]
        models = conn.execute(
            "select count(distinct model_name) from silver.predictions"
            " where game = 'powerball' and target_draw_date = %s", (TARGET,)).fetchone()[0]
        gates = conn.execute(
            "select stage, bool_and(success or severity = 'warn') from ops.dq_results"
            " where game = 'powerball' group by stage").fetchall()
    assert draws == sum(1 for _ in NY_EXPORT.open()) - 1  # every data line of the export
    assert models >= 5
    assert dict(gates) == {"bronze": True, "features": True, "predictions": True, "gold": True}


def test_asset_events_carry_what_each_layer_published(first_run, warehouse):
    """Each certified layer's Asset event carries rows published and the batch/staging id,
    checked against the warehouse itself."""
    events = _asset_events(first_run["run_id"])
    assert set(events) == set(CHECKS)
    extras = {task: event["extra"] for task, event in events.items()}
    for task, event in events.items():
        layer = task.removeprefix("check_")
        assert event["uri"] == f"drawpipe://warehouse/powerball/{layer}"
        assert extras[task]["layer"] == layer and extras[task]["game"] == "powerball"
        assert extras[task]["gate_expectations"] > 0
    bronze, features = extras["check_bronze"], extras["check_features"]
    predictions, gold = extras["check_predictions"], extras["check_gold"]
    with psycopg.connect(warehouse) as conn:
        def one(query, *args):
            return conn.execute(query, args).fetchone()[0]

        # The first run into an empty warehouse: every draw was inserted by one batch.
        assert bronze["rows_published"] == bronze["inserted"] == one(
            "select count(*) from bronze.draws where game = 'powerball' and batch_id = %s",
            bronze["batch_id"]) == sum(1 for _ in NY_EXPORT.open()) - 1
        assert bronze["gate_partition"] == f"batch:{bronze['batch_id']}"
        assert features["rows_published"] == one(
            "select count(*) from silver.number_features where game = 'powerball'")
        assert predictions["target_draw_date"] == TARGET.isoformat()
        assert predictions["rows_published"] == one(
            "select count(*) from silver.predictions where game = 'powerball'"
            " and target_draw_date = %s", TARGET) > 0
        # The target draw is not known yet: gold scored nothing new.
        assert gold["rows_published"] == one(
            "select count(*) from gold.prediction_results where game = 'powerball'") == 0
        for extra in extras.values():
            assert one("select count(*) from ops.dq_results where gate_run_id = %s",
                       extra["gate_run_id"]) == extra["gate_expectations"]
    assert len({features["staging_id"], predictions["staging_id"], gold["staging_id"]}) == 3


def test_warehouse_holds_what_the_cli_run_gives(first_run, warehouse, monkeypatch):
    monkeypatch.setenv("PIPELINE_DATABASE_URL", warehouse)  # the server to make a database on
    name, url = create_database("drawpipe_cli_run")
    try:
        from pipeline.migrate import migrate

        migrate(url)
        proc = run_cli("run", "--game", "powerball", "--source", str(NY_EXPORT),
                       "--logical-date", LOGICAL.isoformat(),
                       env={"PIPELINE_DATABASE_URL": url}, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        steps = [s["step"] for s in last_json(proc)["steps"]]
        assert steps == list(first_run["tasks"]) or set(steps) == set(first_run["tasks"])
        cli = snapshot(url, content_only=True)
    finally:
        drop_database(url, name)
    assert changed(first_run["content"], cli) == {}


def test_second_run_for_the_same_logical_date_changes_no_row(dagbag, first_run, warehouse):
    state, tasks = _run(dagbag, {"source": str(NY_EXPORT)})
    assert state == "success"
    # No new draw: features had nothing to rebuild, so that layer is not certified again (no
    # Asset event) and the run goes on.
    assert tasks["features"] == "success" and tasks["check_features"] == "skipped"
    assert tasks["publish"] == "success"
    assert changed(first_run["content"], snapshot(warehouse, content_only=True)) == {}
    full = changed(first_run["full"], snapshot(warehouse, content_only=False))
    # Same rows, same values; only generated ids/timestamps may be renewed (silver replaces a
    # re-made prediction's model run). Printed so the report can say which.
    print(f"\ntables whose ids/timestamps a rerun renewed: {sorted(full)}")
    assert all(before[0] == after[0] for before, after in full.values())


def test_bad_source_fails_at_the_bronze_gate_and_changes_nothing(dagbag, first_run, warehouse,
                                                                   tmp_path):
    before = snapshot(warehouse, content_only=False)
    lines = NY_EXPORT.read_text().splitlines()
    bad = [lines[0]] + [ln if i % 3 else '"13/45/2019","xx yy zz","07"'
                        for i, ln in enumerate(lines[1:])]
    source = tmp_path / "garbled_export.csv"
    source.write_text("\n".join(bad) + "\n")
    state, tasks = _run(dagbag, {"source": str(source)}, logical=LOGICAL + dt.timedelta(hours=1))
    assert state == "failed"
    assert tasks["ingest"] == "failed"
    assert {tasks[t] for t in tasks if t != "ingest"} == {"upstream_failed"}
    assert changed(before, snapshot(warehouse, content_only=False)) == {}
    with psycopg.connect(warehouse) as conn:
        message = conn.execute(
            "select message from ops.runs where step = 'ingest' and status = 'failed'"
            " order by started_at desc limit 1").fetchone()[0]
    assert "bronze gate failed" in message


def test_unresolvable_source_host_fails_at_once_without_retries(dagbag, first_run, warehouse,
                                                               monkeypatch):
    """The default source is a live URL: offline, ingest fails in seconds, not after retries."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    before = snapshot(warehouse, content_only=False)
    started = time.perf_counter()
    state, tasks = _run(dagbag, {"source": "https://data.invalid/api/views/x/rows.csv"},
                        logical=LOGICAL + dt.timedelta(hours=3))
    took = time.perf_counter() - started
    assert state == "failed" and tasks["ingest"] == "failed"
    assert {tasks[t] for t in tasks if t != "ingest"} == {"upstream_failed"}
    assert took < 45  # a retry would wait at least its 1 minute delay first
    assert changed(before, snapshot(warehouse, content_only=False)) == {}


def test_dry_run_publishes_nothing(dagbag, first_run, warehouse):
    # The normalized file holds 6 draws the NY export lacks: a real run would publish them.
    before = snapshot(warehouse, content_only=False)
    state, tasks = _run(dagbag, {"source": str(NORMALIZED), "dry_run": True},
                        logical=LOGICAL + dt.timedelta(hours=2))
    assert state == "success"
    assert tasks["ingest"] == "success" and tasks["publish"] == "skipped"
    assert all(tasks[c] == "skipped" for c in CHECKS)
    assert changed(before, snapshot(warehouse, content_only=False)) == {}
    assert changed(first_run["content"], snapshot(warehouse, content_only=True)) == {}
