"""The two ways a drawpipe task runs its step: a local subprocess or a container.

Both resolve the same argv in `execute` (validating the run's Params again first) and differ
only in where `python -m pipeline <argv>` runs. A failed gate (exit 3) or a refused argv (exit 2)
fails the task without retries: rerunning cannot fix data or parameters; anything else retries.
"""

from __future__ import annotations

import datetime as dt
import json

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

NO_RETRY_EXIT_CODES = (2, 3)


def settle(result, task=None, context=None):
    """A certification that found the layer unchanged skips its task: no Asset event.

    A certified layer's Asset event gets an extra describing what was published (see
    pipeline/orchestration/outlets.py).
    """
    if isinstance(result, str):  # a JSON text
        try:
            result = json.loads(result)
        except ValueError:
            return result
    if isinstance(result, dict) and result.get("certified") is False:
        raise AirflowSkipException(result.get("reason", "layer not certified"))
    if isinstance(result, dict) and result.get("certified") is True and task is not None:
        describe_outlets(task, context, result)
    return result


def describe_outlets(task, context, certification: dict) -> None:
    """Set the extra of each Asset event this check task emits, via Airflow's outlet events."""
    from pipeline.orchestration.outlets import asset_extra
    from pipeline.orchestration.steps import SEQUENCE, STEPS

    ids = [s.task_id for s in SEQUENCE]
    published_by = ids[ids.index(task.task_id) - 1]
    extra = asset_extra(STEPS[task.task_id].layer,
                        context["ti"].xcom_pull(task_ids=published_by), certification)
    for outlet in task.outlets:
        context["outlet_events"][outlet].extra = extra


STARTED_KEY = "step_started_at"


def step_started(task_id: str, context) -> dt.datetime:
    """When the step a check task certifies last started (pushed by that step's task).

    A certification only accepts a gate recorded since then, so a gate of an earlier run (or of
    an earlier try) never certifies this one.
    """
    from pipeline.orchestration.steps import SEQUENCE

    ids = [s.task_id for s in SEQUENCE]
    certified = ids[ids.index(task_id) - 1]
    pushed = context["ti"].xcom_pull(task_ids=certified, key=STARTED_KEY)
    if not pushed:
        raise AirflowFailException(f"{certified} recorded no start time: run it before {task_id}")
    return dt.datetime.fromisoformat(pushed)


def step_call(task_id: str, game_id: str, context):
    """The validated StepCall for this task instance (ConfigError -> fail, no retry)."""
    from pipeline.errors import ConfigError
    from pipeline.games import get_game
    from pipeline.orchestration.params import validate_params
    from pipeline.orchestration.steps import STEPS
    from pipeline.orchestration.steps import step_call as build

    game = get_game(game_id)
    logical = context.get("logical_date") or context["dag_run"].run_after
    if logical.tzinfo is None:
        logical = logical.replace(tzinfo=dt.UTC)
    try:
        params = validate_params(game, {k: context["params"][k] for k in context["params"]})
        certifies = STEPS[task_id].layer is not None
        started = step_started(task_id, context) if certifies and not params.dry_run else None
        call = build(task_id, game, params, logical, started)
    except ConfigError as exc:
        raise AirflowFailException(str(exc)) from None
    if call.argv is None:
        raise AirflowSkipException(call.skip_reason)
    if task_id == "ingest":
        unreachable_source(call.argv, game)
    if not certifies:
        context["ti"].xcom_push(key=STARTED_KEY, value=dt.datetime.now(dt.UTC).isoformat())
    return call


def unreachable_source(argv, game) -> None:
    """Fail an ingest at once, without retries, when its URL's host cannot be resolved."""
    from pipeline.orchestration.preflight import source_host_problem
    from pipeline.paths import PROJECT_ROOT

    source = argv[argv.index("--source") + 1] if "--source" in argv else game.source_url
    shipped = sorted((PROJECT_ROOT / "data" / game.id).glob("ny_open_data_export_*.csv"))
    problem = source_host_problem(source, local_example=(
        str(shipped[-1].relative_to(PROJECT_ROOT)) if shipped else None))
    if problem:
        raise AirflowFailException(problem)


def warehouse_url() -> str | None:
    """The `warehouse` connection as a URL, or None (the step then uses its own default)."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    from pipeline.orchestration.warehouse import url_from_connection

    try:
        c = BaseHook.get_connection("warehouse")
    except AirflowNotFoundException:
        return None
    return url_from_connection(c.conn_type, c.host, c.port, c.login, c.password, c.schema,
                               c.extra_dejson)


class LocalStepOperator(BaseOperator):
    """`sys.executable -m pipeline <argv>` in a subprocess of the worker."""

    ui_color = "#e8f1fb"

    def __init__(self, *, game_id: str, **kwargs):
        super().__init__(**kwargs)
        self.game_id = game_id

    def execute(self, context):
        from pipeline.orchestration.runner import StepFailed, run_step, step_env

        call = step_call(self.task_id, self.game_id, context)
        try:
            result = run_step(call.argv, env=step_env(warehouse_url()))
        except StepFailed as exc:
            if exc.returncode in NO_RETRY_EXIT_CODES:
                raise AirflowFailException(str(exc)) from None
            raise
        return settle(result, self, context)


def docker_step_operator():
    """DockerStepOperator, defined on first use: the docker provider costs import time."""
    from airflow.providers.docker.exceptions import DockerContainerFailedException
    from airflow.providers.docker.operators.docker import DockerOperator

    class DockerStepOperator(DockerOperator):
        """`python -m pipeline <argv>` in a container of the step image.

        The container's output (stderr and stdout) streams into the task log as it comes. The
        step's result is read from the container's stdout alone once it exited (a separate
        stream in Docker's and podman's logs), so a log line printed after it cannot take its
        place. The container is kept until then (`auto_remove` is managed here) and removed
        afterwards whatever the outcome: the task log holds its output, and its configuration
        holds the warehouse URL. The exit code comes from the container's state, not from an
        exception's text.
        """

        def __init__(self, *, game_id: str, **kwargs):
            kwargs["auto_remove"] = "never"  # removed in execute, after its stdout was read
            # The official Airflow image's entrypoint would first wait for Airflow's metadata
            # database, which a step never uses (when PIPELINE_STEP_IMAGE is that image).
            kwargs["environment"] = {"CONNECTION_CHECK_MAX_COUNT": "0",
                                     **(kwargs.get("environment") or {})}
            super().__init__(command=None, **kwargs)
            self.game_id = game_id

        def execute(self, context):
            from pipeline.orchestration.runner import parse_result

            call = step_call(self.task_id, self.game_id, context)
            self.command = ["python", "-m", "pipeline", *call.argv]
            # Which task and run a container belongs to, for `docker ps -a` / `podman ps -a`.
            ti = context["ti"]
            self.labels = {**(self.labels or {}), "drawpipe.dag_id": ti.dag_id,
                           "drawpipe.task_id": ti.task_id, "drawpipe.run_id": ti.run_id,
                           "drawpipe.try_number": str(ti.try_number)}
            url = warehouse_url()
            if url:  # private: not a template field, never rendered or logged
                self._private_environment = {**self._private_environment,
                                             "PIPELINE_DATABASE_URL": url}
            try:
                super().execute(context)
                stdout = self.cli.logs(self.container["Id"], stdout=True, stderr=False)
                result = parse_result(stdout.decode("utf-8", errors="replace"))
            except DockerContainerFailedException as exc:
                code = self._exit_code()
                if code in NO_RETRY_EXIT_CODES:
                    raise AirflowFailException(f"step exited {code}: {exc}") from None
                raise
            finally:
                self._remove_container()
            return settle(result, self, context)

        def _exit_code(self) -> int | None:
            try:
                return int(self.cli.inspect_container(self.container["Id"])["State"]["ExitCode"])
            except Exception:  # the failure being reported matters more
                self.log.warning("could not read the step container's exit code")
                return None

        def _remove_container(self) -> None:
            if self.container:
                try:
                    self.cli.remove_container(self.container["Id"], force=True)
                except Exception as exc:  # never hide the step's own outcome
                    self.log.warning("could not remove container %s: %s",
                                     self.container["Id"][:12], exc)

    return DockerStepOperator
