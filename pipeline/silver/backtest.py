"""Walk-forward backtest: predict every bronze draw of a game in [from, to] as it was then."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from pipeline.db import connect
from pipeline.errors import ConfigError
from pipeline.games import get_game
from pipeline.silver import features, walkforward
from pipeline.silver.history import load_timeline
from pipeline.silver.models.registry import parse_models
from pipeline.silver.prediction_store import store


def backtest(game_id: str, start: dt.date, end: dt.date, config: dict,
             models: str | None = None, *, skip_checks: bool = False) -> dict:
    from pipeline.runs import code_version

    game = get_game(game_id)
    names = parse_models(models, config)
    if start > end:
        raise ConfigError(f"--from {start} is after --to {end}")
    started = time.perf_counter()
    with connect() as conn:
        tl = load_timeline(conn, game, through=end)  # row t's features only read rows < t
    in_range = (tl.dates >= np.datetime64(start, "D")) & (tl.dates <= np.datetime64(end, "D"))
    targets = np.nonzero(in_range)[0]
    if len(targets) == 0:
        raise ConfigError(f"no {game_id} draws in bronze between {start} and {end}")
    if targets[0] == 0:
        raise ConfigError(f"{tl.date(0)} is {game_id}'s first draw in bronze: nothing is known "
                          f"before it; start the backtest after it")
    feats = features.build(tl, config["features"]["windows"])
    plan = walkforward.cadence_plan(targets, config["retrain_every"])
    out = walkforward.predict(tl, feats, plan, names, config, code_version())
    compute = time.perf_counter() - started
    partition = f"range:{start}..{end}"
    result = store(game_id, out, partition, names, skip_checks=skip_checks)
    return {"game": game_id, "from": str(start), "to": str(end), "models": names,
            "target_draws": int(len(targets)), "first_target": str(tl.date(targets[0])),
            "last_target": str(tl.date(targets[-1])), "retrain_every": config["retrain_every"],
            "fits": int(len(np.unique(plan.fit_points))),
            "compute_seconds": round(compute, 3), **result}
