"""The DAG files: they load, one DAG per game, the designed task graph, cheap to parse."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.games import load_games
from pipeline.orchestration.schedule import nightly_cron
from pipeline.orchestration.steps import SEQUENCE
from tests.airflow.conftest import DAGS, ROOT

pytestmark = pytest.mark.airflow
HEAVY = ("pandas", "sklearn", "great_expectations", "psycopg", "matplotlib", "scipy")


def test_dags_load_one_per_game(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {f"{gid}_medallion" for gid in load_games()}
    assert {"powerball_medallion", "mega_millions_medallion"} <= set(dagbag.dag_ids)
    for stat in dagbag.dagbag_stats:
        print(f"\nDAG file {stat.file}: parsed in {stat.duration.total_seconds() * 1000:.0f} ms "
              f"({stat.dag_num} DAGs, {stat.task_num} tasks)")


def test_task_graph_is_the_designed_chain(dagbag):
    for gid, game in load_games().items():
        dag = dagbag.get_dag(f"{gid}_medallion")
        ids = [s.task_id for s in SEQUENCE]
        assert [t.task_id for t in dag.topological_sort()] == ids
        assert ids == ["ingest", "check_bronze", "features", "check_features", "predict",
                       "check_predictions", "evaluate", "check_gold", "publish"]
        for before, after in zip(ids, ids[1:], strict=False):
            assert dag.get_task(after).upstream_task_ids == {before}
        assert dag.catchup is False and dag.max_active_runs == 1
        assert str(dag.timetable.timezone) == game.timezone
        assert dag.timetable.expression == nightly_cron(game)


def test_every_task_retries_with_backoff_and_has_a_timeout(dagbag):
    for dag in (dagbag.get_dag(d) for d in dagbag.dag_ids):
        for task in dag.tasks:
            assert task.retries >= 1, task
            assert task.retry_exponential_backoff > 1, task  # 1 (or True) is a constant delay
            assert task.execution_timeout is not None and task.execution_timeout.total_seconds() > 0
            step = next(s for s in SEQUENCE if s.task_id == task.task_id)
            assert task.execution_timeout == step.timeout
            assert task.pool == ("warehouse_writers" if step.writes else "default_pool")


def test_assets_only_on_gate_tasks(dagbag):
    dag = dagbag.get_dag("powerball_medallion")
    outlets = {t.task_id: [a.uri for a in t.outlets] for t in dag.tasks}
    assert outlets == {
        "ingest": [], "features": [], "predict": [], "evaluate": [], "publish": [],
        "check_bronze": ["drawpipe://warehouse/powerball/bronze"],
        "check_features": ["drawpipe://warehouse/powerball/features"],
        "check_predictions": ["drawpipe://warehouse/powerball/predictions"],
        "check_gold": ["drawpipe://warehouse/powerball/gold"],
    }


def test_parse_imports_nothing_heavy_and_touches_no_database(airflow_home):
    """Import the DAG file in a fresh interpreter: time it and list what it pulled in."""
    code = (
        "import json, sys, time, runpy\n"
        "import airflow.sdk\n"  # Airflow itself is paid by every DAG file; measure ours
        "t = time.perf_counter()\n"
        f"ns = runpy.run_path({str(DAGS / 'medallion.py')!r})\n"
        "took = time.perf_counter() - t\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'seconds': took, 'heavy': heavy,"
        " 'dags': sorted(k for k in ns if k.endswith('_medallion'))}))\n"
    )
    # An unreachable warehouse: a parse that tried to connect would fail or hang here.
    env = {"PIPELINE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
           "AIRFLOW_CONN_WAREHOUSE": "postgres://nobody@127.0.0.1:1/none"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**__import__("os").environ, **env})
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\nmedallion.py import (fresh interpreter, airflow.sdk preloaded): "
          f"{result['seconds'] * 1000:.0f} ms")
    assert result["heavy"] == []
    assert result["dags"] == sorted(f"{g}_medallion" for g in load_games())


def test_unknown_step_runner_is_an_import_error(airflow_home, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("PIPELINE_STEP_RUNNER", "ssh")
    bag = DagBag(dag_folder=str(DAGS))
    assert bag.dag_ids == [] or not bag.dags
    assert any("PIPELINE_STEP_RUNNER" in err for err in bag.import_errors.values())


def test_docker_runner_builds_docker_operators(airflow_home, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("PIPELINE_STEP_RUNNER", "docker")
    monkeypatch.setenv("PIPELINE_STEP_IMAGE", "drawpipe-airflow:test")
    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    dag = bag.get_dag("powerball_medallion")
    for task in dag.tasks:
        assert type(task).__name__ == "DockerStepOperator"
        assert task.image == "drawpipe-airflow:test"
        assert task.retries >= 1 and task.execution_timeout is not None


def test_docker_steps_get_the_workers_openblas_settings(airflow_home, monkeypatch):
    """A container picks OpenBLAS kernels like a local step of the same worker (a different
    kernel changes a fitted model's scores in their last bits)."""
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("PIPELINE_STEP_RUNNER", "docker")
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    for task in bag.get_dag("powerball_medallion").tasks:
        assert task.environment["OPENBLAS_CORETYPE"] == "Haswell"


def test_params_have_titles_and_descriptions_in_the_serialized_dag(dagbag):
    """What the trigger form shows: the serialized DAG (what the api-server reads) carries a
    title and a description for every Param."""
    from airflow.serialization.serialized_objects import DagSerialization

    from pipeline.orchestration.params import param_specs

    for gid, game in load_games().items():
        dag = dagbag.get_dag(f"{gid}_medallion")
        stored = json.loads(json.dumps(DagSerialization.to_dict(dag)))  # as the database holds it
        params = DagSerialization.from_dict(stored).params
        specs = param_specs(game)
        assert set(params) == set(specs)
        for name, spec in specs.items():
            param = params.get_param(name)
            assert param.schema["title"] == spec["title"] and spec["title"].strip(), name
            assert param.description == spec["description"] and len(spec["description"]) > 20
        titles = [s["title"] for s in specs.values()]
        assert len(set(titles)) == len(titles)


def test_dag_and_task_docs_are_operator_docs(dagbag):
    from drawpipe_factory import __doc__ as factory_docstring

    from pipeline.orchestration.params import param_specs

    for gid, game in load_games().items():
        dag = dagbag.get_dag(f"{gid}_medallion")
        doc = dag.doc_md
        assert doc != factory_docstring and "{{" not in doc and "<!--" not in doc
        assert doc.startswith(f"# {game.display_name}")
        for section in ("## Trigger a run", "## Params", "## When a task fails"):
            assert section in doc
        for name, spec in param_specs(game).items():  # every Param is explained by its title
            assert f"| {spec['title']} | `{name}` |" in doc
        assert nightly_cron(game) in doc and f"airflow dags trigger {gid}_medallion" in doc
        for step in SEQUENCE:
            task_doc = dag.get_task(step.task_id).doc_md
            assert task_doc.startswith(f"**{step.task_id}**:"), step.task_id
            command = f"certify {step.layer}" if step.layer else step.command
            assert f"python -m pipeline {command}" in task_doc, step.task_id
            assert "{{" not in task_doc and "<!--" not in task_doc
    shipped = "data/powerball/ny_open_data_export_2010_2025.csv"
    assert f'"source": "{shipped}"' in dagbag.get_dag("powerball_medallion").doc_md
