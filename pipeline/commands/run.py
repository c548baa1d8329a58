"""`run`: every step of the DAG, in order, in this one process, gates included (no Airflow).

The same plan (pipeline.orchestration.steps) and the same argv as the DAG's tasks, each parsed by
its command's own options and run by the same step functions. The first failure stops the run
with that step's error (a failed gate keeps its exit code 3).
"""

import argparse
import datetime as dt
import importlib
import logging
import threading
import time

from pipeline.commands.options import add_game, iso_date

log = logging.getLogger(__name__)


def _logical(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value[:60]!r} is not an ISO date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def configure(parser):
    add_game(parser)
    parser.add_argument("--source", help="path or http(s) URL (default: the game's NY URL)")
    parser.add_argument("--from", dest="from_date", type=iso_date, help="backfill: first draw")
    parser.add_argument("--to", dest="to_date", type=iso_date, help="backfill: last draw")
    parser.add_argument("--models", help="comma-separated model names (default: all)")
    parser.add_argument("--tickets", type=int, help="tickets per model and draw")
    parser.add_argument("--retrain", action="store_true", help="backfill: refit before every draw")
    parser.add_argument("--dry-run", action="store_true", help="stage and check, publish nothing")
    parser.add_argument("--logical-date", type=_logical,
                        help="the run's logical date-time, as the DAG run's (default: now, UTC; "
                             "a date without a zone is UTC); the next draw after it is predicted")


def _step(argv: tuple[str, ...]):
    """The command module and its parsed arguments for one planned argv."""
    from pipeline.errors import ConfigError

    command, *rest = argv
    module = importlib.import_module(f"pipeline.commands.{command}")
    parser = argparse.ArgumentParser(prog=f"python -m pipeline {command}", exit_on_error=False)
    module.configure(parser)
    try:
        args = parser.parse_args(rest)
    except (argparse.ArgumentError, SystemExit) as exc:  # the plan must never be refused
        raise ConfigError(f"the CLI refused the generated step {' '.join(argv)!r}") from exc
    args.command = command
    return module, args


def _libraries(module, args) -> tuple[str, ...]:
    return module.libraries(args) if hasattr(module, "libraries") else ()


def _preload(names: list[str]) -> threading.Thread | None:
    """Import the later steps' heavy libraries (scikit-learn, scipy: ~1 s) in a thread while the
    first steps mostly wait on PostgreSQL, instead of after them.

    What the thread imports must not be imported by the main thread at the same time (two
    threads importing one package, each from another side of its import cycles, can deadlock):
    pandas and psycopg, which both sides import, are imported here first; the thread is joined
    before the first step that uses its libraries, and before that step forks. Not a daemon: a
    run that fails before then exits once the imports are done, never with an import half done
    (its module locks held) while the interpreter shuts down.
    """
    if not names:
        return None
    import pandas  # noqa: F401

    import pipeline.db  # noqa: F401  (psycopg)

    def load():
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the step importing it reports the failure
                return

    thread = threading.Thread(target=load, name="run-preload")
    thread.start()
    return thread


def run(args) -> dict:
    from pipeline.games import get_game
    from pipeline.orchestration.params import validate_params
    from pipeline.orchestration.steps import plan

    raw = {"source": args.source, "retrain": args.retrain, "dry_run": args.dry_run,
           "from_date": args.from_date.isoformat() if args.from_date else None,
           "to_date": args.to_date.isoformat() if args.to_date else None,
           "models": [m.strip() for m in args.models.split(",")] if args.models else None,
           "tickets": args.tickets}
    if raw["source"] is None:
        raw.pop("source")  # the Param's default: the game's official URL
    game = get_game(args.game)
    params = validate_params(game, raw)
    logical = args.logical_date or dt.datetime.now(dt.UTC)
    calls = plan(game, params, logical, dt.datetime.now(dt.UTC))  # complete before any step
    parsed = {call.task_id: _step(call.argv) for call in calls if call.argv is not None}
    needs = {task: _libraries(*step) for task, step in parsed.items()}
    preload = _preload(list(dict.fromkeys(m for names in needs.values() for m in names)))
    steps = []
    for call in calls:
        if call.argv is None:
            log.info("%s skipped: %s", call.task_id, call.skip_reason)
            steps.append({"step": call.task_id, "skipped": call.skip_reason})
            continue
        module, step_args = parsed[call.task_id]
        if needs[call.task_id]:
            preload.join()  # before the step imports them (and before predict forks its fits)
        log.info("%s: python -m pipeline %s", call.task_id, " ".join(call.argv))
        started = time.perf_counter()
        result = module.run(step_args)
        if result.get("certified") is False:
            log.info("%s: %s", call.task_id, result.get("reason"))
        steps.append({"step": call.task_id, "argv": list(call.argv), "result": result,
                      "seconds": round(time.perf_counter() - started, 3)})
    return {"game": args.game, "logical_date": logical.isoformat(),
            "dry_run": params.dry_run, "steps": steps}
