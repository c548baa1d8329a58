"""The step sequence of one run and the exact `python -m pipeline` argv of each step.

Every step publishes through its own gate (write, audit, publish). The check_<layer> steps then
certify the layer (`certify <stage>`): the gate of this run's publish passed and was not skipped
(re-validating the published rows is opt-in, `--recheck`). Only then does the DAG emit the
layer's Asset. A dry run stages and checks but publishes nothing, so it skips
the certifications and every step that has no --dry-run of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.games import Game
from pipeline.orchestration.params import RunParams
from pipeline.orchestration.schedule import target_draw_date

_MIN = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Step:
    task_id: str
    command: str
    layer: str | None  # a check step: the layer it certifies (also the gate's stage name)
    timeout: dt.timedelta
    writes: bool  # publishes to the warehouse (bounded by the writers' pool)


SEQUENCE: tuple[Step, ...] = (
    Step("ingest", "ingest", None, 15 * _MIN, True),
    Step("check_bronze", "check", "bronze", 10 * _MIN, False),
    Step("features", "features", None, 30 * _MIN, True),
    Step("check_features", "check", "features", 10 * _MIN, False),
    Step("predict", "predict", None, 120 * _MIN, True),  # `backtest` when the run is a backfill
    Step("check_predictions", "check", "predictions", 10 * _MIN, False),
    Step("evaluate", "evaluate", None, 30 * _MIN, True),
    Step("check_gold", "check", "gold", 10 * _MIN, False),
    Step("publish", "publish", None, 10 * _MIN, True),
)
STEPS = {s.task_id: s for s in SEQUENCE}
LAYERS = tuple(s.layer for s in SEQUENCE if s.layer)


@dataclass(frozen=True)
class StepCall:
    task_id: str
    argv: tuple[str, ...] | None  # after `python -m pipeline`; None when skipped
    skip_reason: str | None = None


# Steps that stage and check without publishing when given --dry-run (the others are skipped in a
# dry run); tests/orchestration/test_steps.py checks this against the CLI's own parser.
DRY_RUN_COMMANDS = frozenset({"ingest"})


def _predict_argv(game: Game, p: RunParams, logical: dt.datetime) -> list[str]:
    if p.is_backfill:
        argv = ["backtest", "--game", game.id, "--from", p.from_date.isoformat(),
                "--to", p.to_date.isoformat()]
    else:
        argv = ["predict", "--game", game.id,
                "--for-date", target_draw_date(game, logical).isoformat()]
    if p.models:
        argv += ["--models", ",".join(p.models)]
    if p.tickets is not None:
        argv += ["--tickets", str(p.tickets)]
    if p.retrain and argv[0] == "backtest":
        argv += ["--retrain-every", "1"]
    # `predict` has no --retrain-every: it fits where the configured cadence says, as the
    # backtests it is compared with do (docs/silver.md, "No look-ahead").
    return argv


def step_call(task_id: str, game: Game, p: RunParams, logical: dt.datetime,
              started: dt.datetime | None = None) -> StepCall:
    """The argv one task runs for this game, these (validated) Params and this logical date.

    `started`: when the run started; a certification only accepts gates recorded since then.
    """
    step = STEPS[task_id]
    if step.layer:
        if p.dry_run:
            return StepCall(task_id, None, "dry run: nothing was published to certify")
        since = ("--since", started.isoformat()) if started else ()
        return StepCall(task_id, ("certify", step.layer, "--game", game.id, *since))
    if task_id == "ingest":
        argv = ["ingest", "--game", game.id]
        if p.source:
            argv += ["--source", p.source]
    elif task_id == "predict":
        argv = _predict_argv(game, p, logical)
    else:
        argv = [step.command, "--game", game.id]
    if p.dry_run:
        if argv[0] not in DRY_RUN_COMMANDS:
            return StepCall(task_id, None, f"dry run: `{argv[0]}` would publish "
                            "(it has no --dry-run)")
        argv.append("--dry-run")
    return StepCall(task_id, tuple(argv))


def plan(game: Game, p: RunParams, logical: dt.datetime,
         started: dt.datetime | None = None) -> list[StepCall]:
    return [step_call(s.task_id, game, p, logical, started) for s in SEQUENCE]
