"""Predict one target draw (past or next) from the bronze draws strictly before it."""

from __future__ import annotations

import datetime as dt
import logging
import time

import numpy as np

from pipeline.db import connect
from pipeline.errors import ConfigError
from pipeline.freshness import missing_draws
from pipeline.games import WEEKDAYS, Game, get_game
from pipeline.silver import features, walkforward
from pipeline.silver.history import load_timeline, with_target
from pipeline.silver.models.registry import parse_models
from pipeline.silver.prediction_store import store

log = logging.getLogger(__name__)


def check_target(game: Game, day: dt.date) -> None:
    if game.era_for(day) is None:
        raise ConfigError(f"{day} is before {game.id}'s first era ({game.eras[0].name})")
    if not game.is_draw_day(day):
        days = ", ".join(WEEKDAYS[d] for d in sorted(game.draw_weekdays(day)))
        raise ConfigError(f"{day} ({WEEKDAYS[day.weekday()]}) is not a {game.id} draw day "
                          f"(draws on {days})")


def predict(game_id: str, day: dt.date, config: dict, models: str | None = None, *,
            skip_checks: bool = False) -> dict:
    from pipeline.runs import code_version

    game = get_game(game_id)
    names = parse_models(models, config)
    check_target(game, day)
    started = time.perf_counter()
    with connect() as conn:
        history = load_timeline(conn, game, before=day)  # nothing on or after the target is read
    if len(history) == 0:
        raise ConfigError(f"no {game_id} draws before {day} in bronze: nothing to predict from "
                          f"(ingest the game's history first)")
    last_draw = history.date(len(history) - 1)
    missing = missing_draws(game, last_draw, day)
    if missing:  # one line: stderr for a person, the task log for Airflow
        log.warning("predicting %s from stale data: %d scheduled draws between the latest draw "
                    "in bronze (%s) and the target are missing; ingest them first",
                    day, len(missing), last_draw)
    tl = with_target(history, day)
    feats = features.build(tl, config["features"]["windows"])
    target = np.array([len(tl) - 1])
    plan = walkforward.cadence_plan(target, config["retrain_every"])  # the backtest's fit points
    out = walkforward.predict(tl, feats, plan, names, config, code_version())
    compute = time.perf_counter() - started
    result = store(game_id, out, f"target:{day}", names, skip_checks=skip_checks)
    return {"game": game_id, "target_draw_date": str(day), "models": names,
            "history_draws": len(history), "last_draw_used": str(last_draw),
            "missing_draws_before_target": len(missing), "tickets": tickets_by_model(out),
            "compute_seconds": round(compute, 3), **result}


def tickets_by_model(out: walkforward.Output) -> dict[str, list]:
    """{model: [[[w1..w5], special], ...]} in ticket order: the picks, readable in the JSON."""
    frame = out.predictions.sort_values(["model_name", "ticket"])
    whites = [f"white_{k}" for k in range(1, 6)]
    tickets: dict[str, list] = {}
    for row in frame.itertuples(index=False):
        tickets.setdefault(row.model_name, []).append(
            [[int(getattr(row, w)) for w in whites], int(row.special_ball)])
    return tickets
