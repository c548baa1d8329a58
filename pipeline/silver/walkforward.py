"""Predict target draws of a timeline with registered models, strictly from earlier rows.

A target at timeline row t is scored from row t's as-of features (rows < t). A trainable model
scoring t was fitted at a fit point r <= t on rows [r - train_draws, r): nothing it saw is on or
after its target. Output: DataFrames shaped like staging.model_runs/predictions/prediction_scores.
"""

from __future__ import annotations

import importlib
import json
import os
import uuid
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd

from pipeline.silver import fitting
from pipeline.silver import tickets as ticketing
from pipeline.silver.eras import BALLS, era_positions
from pipeline.silver.features import BallFeatures
from pipeline.silver.history import Timeline
from pipeline.silver.models.registry import model_class, model_params

RUN_COLUMNS = ("model_run_id", "model_name", "model_version", "game", "params",
               "train_first_draw", "train_last_draw", "n_train_draws", "code_version", "metrics")


@dataclass(frozen=True)
class Plan:
    targets: np.ndarray  # timeline rows to predict (each >= 1)
    fit_points: np.ndarray  # per target, the row a trainable model was fitted at (<= target)


def fit_points(targets: np.ndarray, every: int) -> np.ndarray:
    """The row a trainable model predicting each target is fitted at: the latest multiple of
    `every` at or before it (the target itself while the history is shorter than `every`).

    A function of the target's row alone, so the nightly `predict` of a draw and a backtest
    covering it fit the same model on the same rows and play the same ticket: the backtest
    evaluates exactly what is deployed.
    """
    targets = np.asarray(targets)
    floor = (targets // every) * every
    return np.where(floor >= 1, floor, targets)


def cadence_plan(targets: np.ndarray, every: int) -> Plan:
    targets = np.asarray(targets)
    return Plan(targets, fit_points(targets, every))


SCORE_COLUMNS = ("model_name", "game", "target_draw_date", "ball_type", "first_number", "scores")


@dataclass(frozen=True)
class ScoreBlock:
    """One model's probabilities of one ball type for its targets, kept as the matrix: target
    i scores the numbers first[i] .. last[i] - 1 (its era's range; column = number)."""

    model_name: str
    game: str
    ball_type: str
    days: np.ndarray  # datetime64[D], one per target
    first: np.ndarray  # int64
    last: np.ndarray  # int64, exclusive
    probs: np.ndarray  # float64 (targets, width)

    def rows(self) -> list[tuple]:
        """SCORE_COLUMNS tuples, one per target."""
        return [(self.model_name, self.game, day, self.ball_type, first, row[first:last])
                for day, first, last, row in zip(self.days.astype(object), self.first.tolist(),
                                                 self.last.tolist(), self.probs.tolist(),
                                                 strict=True)]


@dataclass
class Output:
    runs: pd.DataFrame
    predictions: pd.DataFrame
    score_blocks: list[ScoreBlock]

    @property
    def scores(self) -> list[tuple]:
        """SCORE_COLUMNS rows: scores of numbers first_number.. (the era's range), by model,
        ball type and target. Built on demand: the store encodes the blocks' matrices."""
        return [row for block in self.score_blocks for row in block.rows()]

    @property
    def score_rows(self) -> int:
        return int(sum((b.last - b.first).sum() for b in self.score_blocks))


def _probabilities(weights: np.ndarray, valid: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """Weights to P(number drawn): per row, valid cells sum to the ball's picks (5 or 1).

    Proportional to the weights, but no number can be drawn with a probability above 1: one
    weight can outgrow the other 68 together (the gap model's number unseen for hundreds of
    draws), so such cells are capped at 1 and the rest share what remains, proportionally,
    until no cell exceeds 1. Rows that need no cap come out exactly as a plain rescale.
    """
    w = np.where(valid, np.maximum(np.nan_to_num(weights, nan=0.0), 1e-12), 0.0)
    picks = np.broadcast_to(np.asarray(picks, dtype=float), (w.shape[0],))
    capped = np.zeros(w.shape, dtype=bool)
    while True:
        free = np.where(capped, 0.0, w)
        room = picks - capped.sum(axis=1)
        total = free.sum(axis=1)
        scale = np.divide(room, total, out=np.zeros_like(total), where=total > 0)
        p = np.where(capped, 1.0, free * scale[:, None])
        over = p > 1.0
        if not over.any():  # each pass caps at least one more cell: at most `width` passes
            return p
        capped |= over


def _run_row(run_id, name, cls, params, tl, first, last_excl, code_version, metrics) -> dict:
    return {"model_run_id": run_id, "model_name": name, "model_version": cls.version,
            "game": tl.game.id, "params": json.dumps(params, sort_keys=True),
            "train_first_draw": str(tl.date(first)), "train_last_draw": str(tl.date(last_excl - 1)),
            "n_train_draws": int(last_excl - first), "code_version": code_version,
            "metrics": json.dumps(metrics, sort_keys=True)}


def _uuid4s(n: int) -> list[str]:
    """n random (version 4) UUIDs as text: uuid.uuid4() per target cost more than scoring."""
    raw = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.tobytes().hex()
    return [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            for h in (text[i:i + 32] for i in range(0, 32 * n, 32))]


def _score_only_runs(run_ids, name, cls, params, tl, targets, code_version) -> pd.DataFrame:
    """One run per target, its whole history as the window: _run_row's columns, in bulk."""
    return pd.DataFrame({
        "model_run_id": run_ids, "model_name": name, "model_version": cls.version,
        "game": tl.game.id, "params": json.dumps(params, sort_keys=True),
        "train_first_draw": str(tl.date(0)),
        "train_last_draw": np.datetime_as_string(tl.dates[targets - 1], unit="D").astype(object),
        "n_train_draws": targets.astype(np.int64), "code_version": code_version,
        "metrics": json.dumps({})}, columns=list(RUN_COLUMNS))


def _weights(name, config, tl, feats, plan, code_version, fit_map):
    """Per ball weights [targets, width], the model run id of each target, and the run rows."""
    cls, params, seed = model_class(name), model_params(name, config), config["seed"]
    targets = plan.targets
    weights = {ball: np.zeros(feats[ball].valid[targets].shape) for ball in BALLS}
    run_ids = np.empty(len(targets), dtype=object)
    if not cls.trainable:
        models = {ball: cls(params, seed) for ball in BALLS}
        for ball in BALLS:
            weights[ball] = models[ball].score(feats[ball], targets)
        recorded = {**models["white"].params, "seed": seed, "tickets": config["tickets"]}
        run_ids[:] = _uuid4s(len(targets))
        return weights, run_ids, _score_only_runs(run_ids, name, cls, recorded, tl, targets,
                                                  code_version)
    recorded = {**cls(params, seed).params, "seed": seed, "tickets": config["tickets"],
                "retrain_every": config["retrain_every"]}  # a bad parameter fails here
    points = np.unique(plan.fit_points)
    chosen = [plan.fit_points == r for r in points]
    fits = fit_map(fitting.fit_and_score, repeat(name), repeat(params), repeat(seed),
                   points.tolist(), [targets[c] for c in chosen])
    runs = []
    for r, c, (first, metrics, scored) in zip(points, chosen, fits, strict=True):
        for ball in BALLS:
            weights[ball][c] = scored[ball]
        run_id = str(uuid.uuid4())
        run_ids[c] = run_id
        runs.append(_run_row(run_id, name, cls, recorded, tl, first, r, code_version, metrics))
    return weights, run_ids, pd.DataFrame(runs, columns=list(RUN_COLUMNS))


def _frames(name, tl, feats, plan, probs, run_ids, n_tickets, seed):
    targets = plan.targets
    days = tl.dates[targets]
    iso = np.datetime_as_string(days, unit="D")
    chosen = {}
    blocks = []
    for ball in BALLS:
        f: BallFeatures = feats[ball]
        valid = f.valid[targets]
        width = valid.shape[1]
        noise = ticketing.uniforms(seed, tl.game.id, days, name, ball, n_tickets, width)
        chosen[ball] = ticketing.choose(probs[ball], valid, int(f.picks[targets][0]), noise)
        lo, hi = valid.argmax(axis=1), valid.shape[1] - valid[:, ::-1].argmax(axis=1)
        blocks.append(ScoreBlock(name, tl.game.id, ball, days, lo, hi, probs[ball]))
    eras = np.array([e.name for e in tl.game.eras])[era_positions(tl.game, days)]
    whites = chosen["white"].reshape(-1, chosen["white"].shape[-1])
    predictions = pd.DataFrame({
        "model_name": name, "model_run_id": np.repeat(run_ids, n_tickets), "game": tl.game.id,
        "target_draw_date": np.repeat(iso, n_tickets),
        "ticket": np.tile(np.arange(1, n_tickets + 1), len(targets)),
        **{f"white_{k + 1}": whites[:, k] for k in range(whites.shape[1])},
        "special_ball": chosen["special"].reshape(-1), "era": np.repeat(eras, n_tickets)})
    return predictions, blocks


# The trainable models' libraries: scikit-learn, and the scipy.stats it imports (~1 s a process).
TRAINABLE_LIBRARIES = ("sklearn.ensemble", "sklearn.linear_model")


def libraries(names: list[str]) -> tuple[str, ...]:
    """The modules fitting these models imports (none for score-only models)."""
    return TRAINABLE_LIBRARIES if any(model_class(n).trainable for n in names) else ()


def predict(tl: Timeline, feats: dict[str, BallFeatures], plan: Plan, names: list[str],
            config: dict, code_version: str) -> Output:
    if len(plan.targets) == 0 or plan.targets.min() < 1 or (plan.fit_points > plan.targets).any():
        raise ValueError("every target needs history before it and a fit point not after it")
    from threadpoolctl import threadpool_limits

    # Load sklearn's OpenMP/BLAS first: threadpoolctl only limits libraries already loaded.
    for module in libraries(names):
        importlib.import_module(module)
    with threadpool_limits(limits=1):  # small fits: threads only add overhead (and spin-wait
        # badly when the host is busy)
        return _predict(tl, feats, plan, names, config, code_version)


def _predict(tl, feats, plan, names, config, code_version) -> Output:
    runs, predictions, scores = [], [], []
    fit_points = len(np.unique(plan.fit_points))
    tasks = sum(fit_points for name in names if model_class(name).trainable)
    with fitting.fitter(feats, tasks) as fit_map:
        for name in names:
            weights, run_ids, run_rows = _weights(name, config, tl, feats, plan, code_version,
                                                  fit_map)
            probs = {ball: _probabilities(weights[ball], feats[ball].valid[plan.targets],
                                          feats[ball].picks[plan.targets]) for ball in BALLS}
            p, s = _frames(name, tl, feats, plan, probs, run_ids, config["tickets"],
                           config["seed"])
            runs.append(run_rows)
            predictions.append(p)
            scores.extend(s)
    return Output(pd.concat(runs, ignore_index=True),
                  pd.concat(predictions, ignore_index=True), scores)
