"""The backtest's compute (features, fits, scores, tickets; no database) against the per-target
path it replaced, measured in the same run.

Lines:
- `baselines_per_target` (reference) and `baselines`: the score-only models random, frequency
  and gap over synthetic games of 20,001 daily draws (bench/common's games: three rule eras),
  every draw but the first a target, as `backtest_scale` writes them. The reference is the
  per-target path the walk-forward had before issue 16 (a numpy Generator per target, model
  and ball for the tickets' noise, a model-run row built per target, a list per score row),
  with the same vectorised scoring, on REFERENCE_TARGETS targets; `baselines` is
  `pipeline.silver.walkforward.predict` on all of them. ratio = per-draw rates.
- `history_serial` (reference) and `history`: every default model over the shipped Powerball
  history (data/powerball/draws_2010_2025.csv, 2010-02-06 to 2025-12-31) at the config's
  refit cadence (retrain_every, as `predict` uses nightly), the trainable models' fits in this
  process one after another vs in forked workers (pipeline/silver/fitting.py).
- `history_every_draw`: the same with the trainable models refitted at every target (the
  cadence before fit points were shared), over the 2025 draws only; ratio against
  `history_serial` per draw.
Both outputs of each pair are compared (tickets, scores, runs): `same_output` must be true.
`--rows N` sets the baseline targets (default 10^4 and 10^5).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from bench.harness import emit, measure

LADDER = (10_000, 100_000)
PER_GAME = 20_000
REFERENCE_TARGETS = int(os.environ.get("BENCH_COMPUTE_REFERENCE_TARGETS", "10000"))
BASELINES = ["random", "frequency", "gap"]


def _synthetic(targets: int) -> list:
    """Timelines of synthetic games holding `targets` targets in all (each game one more draw)."""
    from bench.gold_evaluate import synthetic_games
    from pipeline.games import _load
    from pipeline.silver.history import Timeline

    per_game = min(targets, PER_GAME)
    n_games = -(-targets // per_game)
    with tempfile.TemporaryDirectory(prefix="bench_compute_") as tmp:
        path, dates = synthetic_games(Path(tmp), targets + n_games, per_game + 1)
        games = _load(str(path))
    rng = np.random.default_rng(17)
    out = []
    for gid, days in dates.items():
        game, n = games[gid], len(days)
        whites = np.zeros((n, 5), dtype=np.int16)
        special = np.zeros(n, dtype=np.int16)
        for i, day in enumerate(days):
            era = game.era_for(day)
            whites[i] = np.sort(rng.choice(era.white_max, 5, replace=False) + 1)
            special[i] = rng.integers(1, era.special_max + 1)
        out.append(Timeline(game, np.array(days, dtype="datetime64[D]"), whites, special,
                            np.ones(n, dtype=bool)))
    return out


def _real_history():
    from pipeline.games import get_game
    from pipeline.paths import data_dir
    from pipeline.silver.history import Timeline

    with open(data_dir() / "powerball" / "draws_2010_2025.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return Timeline(get_game("powerball"), np.array([r["draw_date"] for r in rows],
                                                    dtype="datetime64[D]"),
                    np.array([[r[f"white_{k}"] for k in range(1, 6)] for r in rows],
                             dtype=np.int16),
                    np.array([r["powerball"] for r in rows], dtype=np.int16),
                    np.ones(len(rows), dtype=bool))


def _per_target(tl, feats, plan, names, config, code_version):
    """The walk-forward's score-only path as it was: per-target streams, run rows and lists."""
    from pipeline.silver import tickets, walkforward
    from pipeline.silver.eras import BALLS
    from pipeline.silver.models.registry import model_class, model_params

    targets, runs, scores, chosen_all = plan.targets, [], [], []
    days = tl.dates[targets]
    for name in names:
        cls, params, seed = model_class(name), model_params(name, config), config["seed"]
        models = {ball: cls(params, seed) for ball in BALLS}
        recorded = {**models["white"].params, "seed": seed, "tickets": config["tickets"]}
        for t in targets:
            runs.append(walkforward._run_row(str(uuid.uuid4()), name, cls, recorded, tl, 0, t,
                                             code_version, {}))
        for ball in BALLS:
            f = feats[ball]
            valid = f.valid[targets]
            probs = walkforward._probabilities(models[ball].score(f, targets), valid,
                                               f.picks[targets])
            noise = np.empty((len(targets), config["tickets"], valid.shape[1]))
            for i, day in enumerate(days):
                noise[i] = tickets.stream(seed, tl.game.id, day, name, ball).random(
                    (config["tickets"], valid.shape[1]))
            noise = np.clip(noise, 1e-12, 1 - 1e-12)
            chosen_all.append(tickets.choose(probs, valid, int(f.picks[targets][0]), noise))
            lo, hi = valid.argmax(axis=1), valid.shape[1] - valid[:, ::-1].argmax(axis=1)
            scores.extend((name, tl.game.id, day, ball, int(lo[i]),
                           probs[i, lo[i]:hi[i]].tolist())
                          for i, day in enumerate(days.astype(object)))
    return runs, chosen_all, scores


def _digest(out) -> str:
    """Tickets and scores of an Output (run ids and fit times aside)."""
    import hashlib

    h = hashlib.sha256()
    h.update(out.predictions.drop(columns=["model_run_id"]).to_csv(index=False).encode())
    h.update(out.runs.drop(columns=["model_run_id", "metrics"]).to_csv(index=False).encode())
    for row in out.scores:
        h.update(repr(row).encode())
    return h.hexdigest()


def _same_as_per_target(tl, feats, plan, config, reference) -> bool:
    """The walk-forward's tickets and scores equal the per-target path's on the same targets."""
    from pipeline.silver import walkforward

    out = walkforward.predict(tl, feats, plan, BASELINES, config, "bench")
    _runs, chosen, scores = reference  # chosen: [model 1 white, model 1 special, model 2 ...]
    whites = [f"white_{k}" for k in range(1, 6)]
    for i, name in enumerate(BASELINES):
        mine = out.predictions[out.predictions["model_name"] == name]
        if not (np.array_equal(mine[whites].to_numpy(), chosen[2 * i].reshape(-1, 5))
                and np.array_equal(mine["special_ball"].to_numpy(), chosen[2 * i + 1].ravel())):
            return False
    return out.scores == scores


def _baselines(targets: int, reference: bool) -> dict:
    from pipeline.silver import features, walkforward
    from pipeline.silver.config import load_config

    config = load_config()
    timelines = _synthetic(targets)  # generated before the clock starts
    if reference:  # the per-target path on the first game's first REFERENCE_TARGETS targets
        tl = timelines[0]
        started = time.perf_counter()
        feats = features.build(tl, config["features"]["windows"])
        plan = walkforward.cadence_plan(np.arange(1, len(tl))[:REFERENCE_TARGETS],
                                        config["retrain_every"])
        done = _per_target(tl, feats, plan, BASELINES, config, "bench")
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "target_draws": len(plan.targets),
                "same_output": _same_as_per_target(tl, feats, plan, config, done)}
    started, n = time.perf_counter(), 0
    for tl in timelines:
        feats = features.build(tl, config["features"]["windows"])
        plan = walkforward.cadence_plan(np.arange(1, len(tl)), config["retrain_every"])
        walkforward.predict(tl, feats, plan, BASELINES, config, "bench")
        n += len(plan.targets)
    return {"seconds": time.perf_counter() - started, "target_draws": n}


def _history(first_day: dt.date, every: int | None, workers: int | None) -> dict:
    from pipeline.silver import features, fitting, walkforward
    from pipeline.silver.config import load_config

    config = load_config(retrain_every=every)
    if workers:
        fitting.workers = lambda tasks: workers  # the serial reference: this process only
    started = time.perf_counter()
    tl = _real_history()
    feats = features.build(tl, config["features"]["windows"])
    targets = np.nonzero(tl.dates >= np.datetime64(first_day, "D"))[0]
    plan = walkforward.cadence_plan(targets, config["retrain_every"])
    out = walkforward.predict(tl, feats, plan, config["default_models"], config, "bench")
    return {"seconds": time.perf_counter() - started, "target_draws": len(targets),
            "fits": int(len(np.unique(plan.fit_points))), "digest": _digest(out)}


def run(rows: int | None) -> None:
    ref = measure(_baselines, min(rows or LADDER[0], REFERENCE_TARGETS), True)
    ref_per_draw = ref["seconds"] / ref["target_draws"]
    emit("backtest_compute.baselines_per_target", ref["target_draws"], ref, None,
         ms_per_draw=round(1000 * ref_per_draw, 4), models=",".join(BASELINES))
    if not ref["same_output"]:
        raise RuntimeError("the walk-forward's tickets or scores differ from the per-target path")
    for size in ([rows] if rows else LADDER):
        m = measure(_baselines, size, False)
        n = m["target_draws"]
        emit("backtest_compute.baselines", n, m, "baselines_per_target", ref_per_draw * n,
             ms_per_draw=round(1000 * m["seconds"] / n, 4), models=",".join(BASELINES))
    start = dt.date(2010, 2, 6)
    serial = measure(_history, start, None, 1)
    digest = serial.pop("digest")
    emit("backtest_compute.history_serial", serial["target_draws"], serial, None,
         fits=serial["fits"], ms_per_draw=round(1000 * serial["seconds"] / serial["target_draws"],
                                                3))
    m = measure(_history, start, None, None)
    emit("backtest_compute.history", m["target_draws"], m, "history_serial", serial["seconds"],
         fits=m["fits"], same_output=m.pop("digest") == digest)
    every = measure(_history, dt.date(2025, 1, 1), 1, None)
    every.pop("digest")
    n = every["target_draws"]
    emit("backtest_compute.history_every_draw", n, every, "history_serial",
         serial["seconds"] * n / serial["target_draws"], fits=every["fits"],
         seconds_for_full_history=round(every["seconds"] * serial["target_draws"] / n, 1))
