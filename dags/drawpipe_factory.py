"""One DAG per game of the game definition file, each the same thin wiring of steps.

Cheap to parse by design: only the game file (TOML), the silver config's model names and the
operator docs (medallion_doc.md) are read here; pandas, scikit-learn, Great Expectations and the
warehouse are touched by the tasks, never at parse time. Which operator runs the steps is
PIPELINE_STEP_RUNNER (local | docker); the command is the same either way. The docs an operator
reads in the UI (the DAG's and each task's doc_md) are medallion_doc.md, not this docstring.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import pipeline  # noqa: F401  (installed in the image)
except ModuleNotFoundError:  # a checkout: the project root is this folder's parent
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from airflow.sdk import DAG, Asset, CronTriggerTimetable, Param, get_parsing_context
from drawpipe_operators import LocalStepOperator, docker_step_operator

from pipeline.games import Game, load_games
from pipeline.orchestration.params import param_specs
from pipeline.orchestration.schedule import nightly_cron
from pipeline.orchestration.steps import SEQUENCE

WRITERS_POOL = "warehouse_writers"
DOC_FILE = Path(__file__).resolve().with_name("medallion_doc.md")
RUNNERS = ("local", "docker")
DEFAULT_ARGS = {
    "owner": "drawpipe",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=1),
    # A multiplier since Airflow 3.3: True is 1.0, a constant delay; 2.0 doubles it per retry.
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": dt.timedelta(minutes=20),
}


def layer_asset(game_id: str, layer: str) -> Asset:
    return Asset(name=f"{game_id}_{layer}", uri=f"drawpipe://warehouse/{game_id}/{layer}",
                 group="drawpipe")


def _param_row(name: str, spec: dict) -> str:
    default = spec["default"]
    shown = {None: "*(empty)*", False: "off"}.get(default, f"`{default}`")
    return f"| {spec['title']} | `{name}` | {shown} | {spec['description']} |"


def operator_docs(game: Game, dag_id: str) -> tuple[str, dict[str, str]]:
    """(the DAG's doc_md, task_id -> doc_md) from medallion_doc.md, filled in for `game`."""
    from pipeline.paths import PROJECT_ROOT

    shipped = sorted((PROJECT_ROOT / "data" / game.id).glob("ny_open_data_export_*.csv"))
    local = str(shipped[-1].relative_to(PROJECT_ROOT)) if shipped else f"data/{game.id}/export.csv"
    values = {
        "game": game.id, "display_name": game.display_name, "dag_id": dag_id,
        "cron": nightly_cron(game), "timezone": game.timezone, "local_example": local,
        "local_example_hint": f" (the shipped history: `{local}`)" if shipped else "",
        "params_table": "\n".join(_param_row(n, s) for n, s in param_specs(game).items()),
    }
    text = re.sub(r"\A<!--.*?-->\n", "", DOC_FILE.read_text(), flags=re.S)  # maintainers' note
    text = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], text)
    dag_doc, *tasks = re.split(r"^<!-- task: (\w+) -->\n", text, flags=re.M)
    return dag_doc.strip(), {tid: doc.strip() for tid, doc in zip(tasks[::2], tasks[1::2],
                                                                 strict=True)}


def _operator_class():
    runner = os.environ.get("PIPELINE_STEP_RUNNER", "local")
    if runner not in RUNNERS:
        raise ValueError(f"PIPELINE_STEP_RUNNER={runner!r}; use one of {RUNNERS}")
    if runner == "local":
        return LocalStepOperator, {}
    return docker_step_operator(), {
        "image": os.environ.get("PIPELINE_STEP_IMAGE", "drawpipe-step:latest"),
        "network_mode": os.environ.get("PIPELINE_STEP_NETWORK", "bridge"),
        "docker_url": os.environ.get("DOCKER_HOST", "unix://var/run/docker.sock"),
        "mount_tmp_dir": False,
        "environment": {"PYTHONWARNINGS": "ignore", "TQDM_DISABLE": "1", **_blas_settings()},
    }


def _blas_settings() -> dict[str, str]:
    """The worker's OpenBLAS settings, for its step containers. OpenBLAS picks its kernels by
    CPU unless OPENBLAS_CORETYPE says otherwise, and kernels differ in the last bits of a fit's
    scores: without these a container computes unlike a local step on the same worker."""
    return {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}


def build_dag(game: Game) -> DAG:
    operator, operator_kwargs = _operator_class()
    params = {name: Param(spec["default"], title=spec["title"], description=spec["description"],
                          **spec["schema"])
              for name, spec in param_specs(game).items()}
    dag_id = f"{game.id}_medallion"
    dag_doc, task_docs = operator_docs(game, dag_id)
    dag = DAG(
        dag_id=dag_id,
        description=f"{game.display_name}: bronze -> silver -> gold, gated at every layer",
        schedule=CronTriggerTimetable(nightly_cron(game), timezone=game.timezone),
        start_date=dt.datetime(2025, 1, 1, tzinfo=ZoneInfo(game.timezone)),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params=params,
        tags=["drawpipe", game.id],
        doc_md=dag_doc,
    )
    previous = None
    for step in SEQUENCE:
        task = operator(
            task_id=step.task_id, game_id=game.id, dag=dag, doc_md=task_docs[step.task_id],
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
    # A task's process (and `airflow dags test`) parses this file for one DAG, named by the
    # parsing context: only that one is built. The DAG processor builds them all.
    wanted = get_parsing_context().dag_id
    return {f"{gid}_medallion": build_dag(game) for gid, game in load_games().items()
            if wanted in (None, f"{gid}_medallion")}
