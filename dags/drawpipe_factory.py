"""One DAG per game of the game definition file, each the same thin wiring of steps.

Cheap to parse by design: only the game file (TOML) and the silver config's model names are
read here; pandas, scikit-learn, Great Expectations and the warehouse are touched by the tasks,
never at parse time. Which operator runs the steps is PIPELINE_STEP_RUNNER (local | docker);
the command is the same either way.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import pipeline  # noqa: F401  (installed in the image)
except ModuleNotFoundError:  # a checkout: the project root is this folder's parent
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from airflow.sdk import DAG, Asset, CronTriggerTimetable, Param
from drawpipe_operators import LocalStepOperator, docker_step_operator

from pipeline.games import Game, load_games
from pipeline.orchestration.params import param_specs
from pipeline.orchestration.schedule import nightly_cron
from pipeline.orchestration.steps import SEQUENCE

WRITERS_POOL = "warehouse_writers"
RUNNERS = ("local", "docker")
DEFAULT_ARGS = {
    "owner": "drawpipe",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": dt.timedelta(minutes=20),
}


def layer_asset(game_id: str, layer: str) -> Asset:
    return Asset(name=f"{game_id}_{layer}", uri=f"drawpipe://warehouse/{game_id}/{layer}",
                 group="drawpipe")


def _operator_class():
    runner = os.environ.get("PIPELINE_STEP_RUNNER", "local")
    if runner not in RUNNERS:
        raise ValueError(f"PIPELINE_STEP_RUNNER={runner!r}; use one of {RUNNERS}")
    if runner == "local":
        return LocalStepOperator, {}
    return docker_step_operator(), {
        "image": os.environ.get("PIPELINE_STEP_IMAGE", "drawpipe-airflow:latest"),
        "network_mode": os.environ.get("PIPELINE_STEP_NETWORK", "bridge"),
        "docker_url": os.environ.get("DOCKER_HOST", "unix://var/run/docker.sock"),
        "auto_remove": "success",
        "mount_tmp_dir": False,
        "environment": {"PYTHONWARNINGS": "ignore", "TQDM_DISABLE": "1"},
    }


def build_dag(game: Game) -> DAG:
    operator, operator_kwargs = _operator_class()
    params = {name: Param(spec["default"], description=spec["description"], **spec["schema"])
              for name, spec in param_specs(game).items()}
    dag = DAG(
        dag_id=f"{game.id}_medallion",
        description=f"{game.display_name}: bronze -> silver -> gold, gated at every layer",
        schedule=CronTriggerTimetable(nightly_cron(game), timezone=game.timezone),
        start_date=dt.datetime(2025, 1, 1, tzinfo=ZoneInfo(game.timezone)),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params=params,
        tags=["drawpipe", game.id],
        doc_md=__doc__,
    )
    previous = None
    for step in SEQUENCE:
        task = operator(
            task_id=step.task_id, game_id=game.id, dag=dag,
            execution_timeout=step.timeout,
            pool=WRITERS_POOL if step.writes else "default_pool",
            outlets=[layer_asset(game.id, step.layer)] if step.layer else [],
            # A dry run skips re-checks; the next step must still run (its own gate decides).
            trigger_rule="none_failed" if previous is not None else "all_success",
            **operator_kwargs,
        )
        if previous is not None:
            previous >> task
        previous = task
    return dag


def build_all() -> dict[str, DAG]:
    return {f"{gid}_medallion": build_dag(game) for gid, game in load_games().items()}
