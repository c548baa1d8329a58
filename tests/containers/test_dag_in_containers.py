"""A DAG run with every task in a container, equal to a run with the local runner.

`airflow dags test powerball_medallion` runs twice, at the same time, on one small source (the
100 most recent draws of the shipped NY export, served over HTTP on 127.0.0.1 so that a
container on the host network reads it like a real URL; three models, gbm left out for time):
once with PIPELINE_STEP_RUNNER=docker against podman's Docker API (each task a container of the
step image built by scripts/containers_local.sh), once with the local runner, each into its own
fresh warehouse and Airflow home. Then: every task succeeded, each of the
9 tasks ran in exactly one container of the step image and none is left, the warehouse password
appears in no output, task log or rendered field, and bronze, silver and gold of both warehouses
hold the same content (tests/orchestration/warehouse_state.py: ids and timestamps aside).
Also through the real API: exit codes 2 and 3 fail the task without retries, 1 retries, and the
result is read from stdout alone.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from pipeline.orchestration.steps import SEQUENCE
from tests.airflow.conftest import airflow_connection
from tests.conftest import NY_EXPORT, ROOT
from tests.dbutil import create_database, drop_database, with_dbname
from tests.orchestration.warehouse_state import changed, snapshot

pytestmark = [pytest.mark.containers, pytest.mark.slow]
DAG_ID = "powerball_medallion"
TASKS = [s.task_id for s in SEQUENCE]
SLICE_DRAWS = 100
MODELS = ["random", "frequency", "logistic"]
SECRET = "s3cret-warehouse-pw-7f3a"  # trust auth ignores it; it must show up nowhere
AIRFLOW = Path(sys.executable).with_name("airflow")
RUN_TIMEOUT = 1200


@pytest.fixture(scope="module")
def source_url():
    """The slice over HTTP on 127.0.0.1 (plus a header-only file for a failing gate)."""
    lines = NY_EXPORT.read_text().splitlines(keepends=True)
    files = {"/slice.csv": "".join(lines[:SLICE_DRAWS + 1]).encode(),
             "/header_only.csv": lines[0].encode()}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            body = files.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def warehouses():
    """Two fresh, migrated warehouses: one per runner."""
    from pipeline.migrate import migrate

    made = {}
    for runner in ("docker", "local"):
        name, url = create_database(f"drawpipe_ctr_{runner}")
        migrate(url)
        made[runner] = (name, url)
    yield {runner: url for runner, (_, url) in made.items()}
    for name, url in made.values():
        drop_database(url, name)


@pytest.fixture(scope="module")
def airflow_home():
    home = Path(tempfile.mkdtemp(prefix="drawpipe_ctr_airflow_"))
    env = {**os.environ, **_airflow_env(home)}
    subprocess.run([str(AIRFLOW), "db", "migrate"], env=env, check=True, capture_output=True,
                   timeout=300)
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def second_airflow_home(airflow_home):
    """Another Airflow home, its metadata a copy of the first's (migrated once)."""
    home = Path(tempfile.mkdtemp(prefix="drawpipe_ctr_airflow_"))
    shutil.copy(airflow_home / "airflow.db", home / "airflow.db")
    yield home
    shutil.rmtree(home, ignore_errors=True)


def _airflow_env(home: Path) -> dict[str, str]:
    return {"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False", "PYTHONWARNINGS": "ignore"}


def _with_secret(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**{**conninfo_to_dict(url), "password": SECRET})


def _start_dags_test(home: Path, warehouse: str, source: str, runner_env: dict):
    """Start `airflow dags test` of the DAG for 2026-01-02 (output to files in `home`)."""
    env = {**os.environ, **_airflow_env(home), **runner_env,
           "AIRFLOW_CONN_WAREHOUSE": airflow_connection(_with_secret(warehouse)),
           # The steps must get the warehouse from the connection, not an inherited variable.
           "PIPELINE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/not_the_warehouse"}
    conf = {"source": f"{source}/slice.csv", "models": MODELS}
    with (home / "out.log").open("w") as out, (home / "err.log").open("w") as err:
        proc = subprocess.Popen([str(AIRFLOW), "dags", "test", DAG_ID, "2026-01-02", "-c",
                                 json.dumps(conf)], env=env, stdout=out, stderr=err, cwd=ROOT)
    return proc, time.perf_counter(), runner_env["PIPELINE_STEP_RUNNER"]


def _finish_dags_test(home: Path, started) -> dict:
    """Wait for a `_start_dags_test`; its output, run id, task states and rendered fields."""
    popen, began, runner = started
    try:
        popen.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait(timeout=30)
        pytest.fail(f"{runner} runner: airflow dags test ran over {RUN_TIMEOUT} s")
    took = time.perf_counter() - began
    proc = subprocess.CompletedProcess(popen.args, popen.returncode,
                                       (home / "out.log").read_text(errors="replace"),
                                       (home / "err.log").read_text(errors="replace"))
    with sqlite3.connect(home / "airflow.db") as db:
        run_id = db.execute("select run_id from dag_run where dag_id = ? order by id desc limit 1",
                            (DAG_ID,)).fetchone()[0]
        states = dict(db.execute("select task_id, state from task_instance"
                                 " where dag_id = ? and run_id = ?", (DAG_ID, run_id)))
        rendered = " ".join(str(r) for r in db.execute(
            "select rendered_fields from rendered_task_instance_fields where run_id = ?",
            (run_id,)))
    print(f"\n{runner} runner: dags test {took:.1f}s, {states}")
    return {"proc": proc, "run_id": run_id, "states": states, "rendered": rendered,
            "seconds": took}


class ContainerWatch:
    """What `podman ps -a` shows during the run: every drawpipe container, polled."""

    def __init__(self, client):
        self.client, self.seen, self._stop = client, {}, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        while not self._stop.is_set():
            try:
                for c in self.client.containers.list(
                        all=True, filters={"label": f"drawpipe.dag_id={DAG_ID}"}):
                    self.seen.setdefault(c.id, (c.labels, c.attrs.get("Image") or c.image.id))
            except Exception:  # noqa: S110 - a container removed mid-listing: poll again
                pass
            self._stop.wait(0.25)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


@pytest.fixture(scope="module")
def runs(containers, docker_client, airflow_home, second_airflow_home, warehouses, source_url):
    started = time.perf_counter()
    with ContainerWatch(docker_client) as watch:
        docker_started = _start_dags_test(airflow_home, warehouses["docker"], source_url,
                                          containers)
        local_started = _start_dags_test(second_airflow_home, warehouses["local"], source_url,
                                         {"PIPELINE_STEP_RUNNER": "local"})
        docker_run = _finish_dags_test(airflow_home, docker_started)
        local_run = _finish_dags_test(second_airflow_home, local_started)
    print(f"both runs: {time.perf_counter() - started:.1f}s")
    docker_run["containers"] = [labels for labels, _ in watch.seen.values()
                                if labels.get("drawpipe.run_id") == docker_run["run_id"]]
    docker_run["images"] = {image for labels, image in watch.seen.values()
                            if labels.get("drawpipe.run_id") == docker_run["run_id"]}
    return {"docker": docker_run, "local": local_run}


def test_every_task_succeeds_with_either_runner(runs):
    for runner, run in runs.items():
        assert run["proc"].returncode == 0, (runner, run["proc"].stderr[-3000:])
        assert run["states"] == dict.fromkeys(TASKS, "success"), (
            runner, run["states"], run["proc"].stdout[-3000:])


def test_each_task_ran_in_one_container_of_the_step_image(runs, containers, docker_client):
    docker_run = runs["docker"]
    tasks = sorted(c["drawpipe.task_id"] for c in docker_run["containers"])
    assert tasks == sorted(TASKS), docker_run["containers"]
    step_image = docker_client.images.get(containers["PIPELINE_STEP_IMAGE"]).id
    assert {image.removeprefix("sha256:") for image in docker_run["images"]} == {
        step_image.removeprefix("sha256:")}
    left = docker_client.containers.list(
        all=True, filters={"label": f"drawpipe.run_id={docker_run['run_id']}"})
    assert left == [], "step containers are removed once their result was read"
    # The task log shows the step's own log lines, streamed from the container.
    assert "bronze gate:" in docker_run["proc"].stdout + docker_run["proc"].stderr


def test_the_warehouse_password_appears_nowhere(runs, airflow_home):
    """Not in the task output, the task log files, nor the rendered template fields."""
    docker_run = runs["docker"]
    assert docker_run["rendered"], "no rendered fields recorded: the check would be vacuous"
    assert SECRET not in docker_run["rendered"]
    assert SECRET not in docker_run["proc"].stdout + docker_run["proc"].stderr
    for log in (airflow_home / "logs").rglob("*"):
        if log.is_file():
            assert SECRET not in log.read_text(errors="replace"), log


def test_containers_and_local_runner_give_the_same_warehouse(runs, warehouses):
    docker = snapshot(warehouses["docker"], content_only=True)
    local = snapshot(warehouses["local"], content_only=True)
    assert docker == local, changed(local, docker)
    assert docker["bronze.draws"][0] == SLICE_DRAWS
    assert docker["silver.predictions"][0] > 0 and docker["gold.prediction_results"][0] >= 0


# DockerStepOperator.execute on a stand-in context, once per argv: only the argv differs from
# a DAG run. One process for all cases (importing Airflow and the provider takes a while).
OPERATOR_SCRIPT = """
import json, sys
from types import SimpleNamespace
sys.path.insert(0, sys.argv[1])
import drawpipe_operators as ops
from airflow.providers.docker.exceptions import DockerContainerFailedException
from airflow.sdk.exceptions import AirflowFailException
cases, image, docker_host, url = json.loads(sys.argv[2])
ops.warehouse_url = lambda: url
for argv in cases:
    ops.step_call = lambda task_id, game_id, context, argv=argv: SimpleNamespace(argv=argv)
    op = ops.docker_step_operator()(task_id="ingest", game_id="powerball", image=image,
                                     network_mode="host", docker_url=docker_host,
                                     mount_tmp_dir=False)
    ti = SimpleNamespace(dag_id="exit_codes", task_id="ingest", run_id="exit-codes",
                         try_number=1)
    try:
        op.execute({"ti": ti})
        print("OUTCOME success", flush=True)
    except AirflowFailException as exc:
        print("OUTCOME fail-no-retry", exc, flush=True)
    except DockerContainerFailedException as exc:
        print("OUTCOME fail-retry", exc, flush=True)
"""
EXIT_CASES = [  # argv, the exit code it gets, what the task must do
    (["ingest", "--no-such-option"], 2, "fail-no-retry"),
    (["ingest", "--game", "powerball", "--source", "{src}/header_only.csv"], 3, "fail-no-retry"),
    (["ingest", "--game", "powerball", "--source", "{src}/missing.csv"], 1, "fail-retry"),
]


def test_exit_codes_decide_retries(containers, docker_client, source_url, airflow_home,
                                   tmp_path):
    """2 (refused argv) and 3 (failed gate) fail without retries, 1 retries; nothing is left."""
    from pipeline.migrate import migrate

    name, url = create_database("drawpipe_ctr_exit")
    try:
        migrate(url)
        cases = [[a.replace("{src}", source_url) for a in argv] for argv, _, _ in EXIT_CASES]
        env = {**os.environ, **_airflow_env(airflow_home)}
        proc = subprocess.run(
            [sys.executable, "-c", OPERATOR_SCRIPT, str(ROOT / "dags"),
             json.dumps([cases, containers["PIPELINE_STEP_IMAGE"], containers["DOCKER_HOST"],
                         url])],
            env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    finally:
        drop_database(with_dbname(url, "postgres"), name)
    outcomes = [ln.split() for ln in proc.stdout.splitlines() if ln.startswith("OUTCOME ")]
    assert len(outcomes) == len(EXIT_CASES), (proc.stdout[-2000:], proc.stderr[-3000:])
    for (argv, code, expected), outcome in zip(EXIT_CASES, outcomes, strict=True):
        assert outcome[1] == expected, (argv, outcome)
        if expected == "fail-no-retry":
            assert f"step exited {code}:" in " ".join(outcome), (argv, outcome)
    assert docker_client.containers.list(
        all=True, filters={"label": "drawpipe.run_id=exit-codes"}) == []


def test_the_result_is_read_from_stdout_alone(containers, docker_client):
    """A log line after the result (stderr, flushed last) does not take the result's place."""
    from pipeline.orchestration.runner import parse_result

    script = ("import sys; print('{\"rows\": 3}', flush=True);"
              " print('a late log line', file=sys.stderr, flush=True)")
    container = docker_client.containers.run(containers["PIPELINE_STEP_IMAGE"],
                                             ["python", "-c", script], detach=True)
    try:
        assert container.wait(timeout=120)["StatusCode"] == 0
        both = container.logs(stdout=True, stderr=True).decode()
        stdout = container.logs(stdout=True, stderr=False).decode()
    finally:
        container.remove(force=True)
    assert both.strip().splitlines()[-1] == "a late log line"  # what the last-line rule took
    assert parse_result(stdout) == {"rows": 3}
