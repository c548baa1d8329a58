"""`python -m pipeline run`: every step of the DAG, in order, in this one process.

The same plan (pipeline.orchestration.steps) and the same argv as the DAG's tasks, parsed by the
same CLI parser and run by the same step functions, gates included. The first failure stops the
run with that step's error (a failed gate keeps its exit code 3).
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import time

from pipeline.errors import ConfigError
from pipeline.games import get_game
from pipeline.orchestration.params import RunParams
from pipeline.orchestration.steps import plan

log = logging.getLogger(__name__)


def _parse(parser, argv):
    try:
        return parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse exits on a bad argv; generated argv must not be bad
        raise ConfigError(f"the CLI refused the generated step {' '.join(argv)!r}") from exc


def run_all(game_id: str, params: RunParams, logical: dt.datetime) -> dict:
    from pipeline.cli import build_parser

    game = get_game(game_id)
    run_started = dt.datetime.now(dt.UTC)
    calls = plan(game, params, logical, run_started)  # validated and complete before any step runs
    parser = build_parser()
    steps = []
    for call in calls:
        if call.argv is None:
            log.info("%s skipped: %s", call.task_id, call.skip_reason)
            steps.append({"step": call.task_id, "skipped": call.skip_reason})
            continue
        args = _parse(parser, call.argv)
        try:
            module = importlib.import_module(f"pipeline.commands.{args.command}")
        except ModuleNotFoundError as exc:
            raise ConfigError(f"step {args.command!r} is not available in this build") from exc
        log.info("%s: python -m pipeline %s", call.task_id, " ".join(call.argv))
        started = time.perf_counter()
        result = module.run(args)
        if result.get("certified") is False:
            log.info("%s: %s", call.task_id, result.get("reason"))
        steps.append({"step": call.task_id, "argv": list(call.argv), "result": result,
                      "seconds": round(time.perf_counter() - started, 3)})
    return {"game": game_id, "logical_date": logical.isoformat(),
            "dry_run": params.dry_run, "steps": steps}
