"""The backtest's fast paths give numpy's and sklearn's own results, to the bit (no database).

Vectorised generator streams (pipeline/silver/pcg.py) against np.random.default_rng per seed,
the training log loss against sklearn.metrics.log_loss, and fits in forked workers
(pipeline/silver/fitting.py) against the same fits in this process.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pipeline.games import get_game
from pipeline.silver import features, fitting, pcg, tickets, walkforward
from pipeline.silver.config import load_config
from pipeline.silver.history import Timeline
from pipeline.silver.models.learned import log_loss


@pytest.mark.parametrize("n_words", [1, 4, 5, 7])
def test_vectorised_streams_equal_default_rng(n_words):
    rng = np.random.default_rng(n_words)
    words = rng.integers(0, 2**32, (200, n_words))
    words[:3], words[3:6] = 0, 2**32 - 1  # the edges of a word
    got = pcg.uniforms(words, 75)
    want = np.array([np.random.default_rng([int(w) for w in row]).random(75) for row in words])
    assert np.array_equal(got, want)


def test_ticket_noise_equals_one_stream_per_target():
    days = np.arange(np.datetime64("1969-12-25"), np.datetime64("1970-01-08"))  # day < 0 too
    noise = tickets.uniforms(2**40 + 3, "powerball", days, "gap", "special", 3, 27)
    for i, day in enumerate(days):
        want = tickets.stream(2**40 + 3, "powerball", day, "gap", "special").random((3, 27))
        assert np.array_equal(noise[i], np.clip(want, 1e-12, 1 - 1e-12))


def test_log_loss_equals_sklearn():
    from sklearn.metrics import log_loss as sklearn_log_loss

    rng = np.random.default_rng(5)
    for i in range(40):
        n = int(rng.integers(2, 5000))
        y = rng.random(n) < rng.uniform(0.05, 0.95)
        y[:2] = [False, True]
        p = rng.random(n) ** rng.uniform(0.2, 5)
        if i % 4 == 0:
            p[:4] = [0.0, 1.0, 1e-20, 1 - 1e-17]  # clipped to eps like sklearn
        assert log_loss(y, p) == sklearn_log_loss(y, p, labels=[False, True])


def _timeline(n: int) -> Timeline:
    game = get_game("powerball")
    days = np.array(game.draw_dates(dt.date(2016, 1, 1), dt.date(2030, 1, 1))[:n],
                    dtype="datetime64[D]")
    rng = np.random.default_rng(9)
    whites = np.sort(np.argsort(rng.random((n, 69)), axis=1)[:, :5] + 1, axis=1)
    return Timeline(game, days, whites.astype(np.int16),
                    rng.integers(1, 27, n).astype(np.int16), np.ones(n, dtype=bool))


@pytest.mark.integration  # sklearn's first fit asks loky for the physical cores: a subprocess
def test_fits_in_workers_equal_fits_here(monkeypatch):
    tl = _timeline(160)
    config = load_config(None, ["gbm.max_iter=5", "logistic.max_iter=50"], retrain_every=20)
    feats = features.build(tl, config["features"]["windows"])
    plan = walkforward.cadence_plan(np.arange(100, 160), config["retrain_every"])

    def run(workers: int):
        monkeypatch.setattr(fitting, "workers", lambda tasks: workers)
        out = walkforward.predict(tl, feats, plan, ["logistic", "gbm", "gap"], config, "t")
        runs = out.runs.drop(columns=["model_run_id", "metrics"])
        return runs, out.predictions.drop(columns=["model_run_id"]), out.scores

    here, forked = run(1), run(2)
    assert here[0].equals(forked[0]) and here[1].equals(forked[1]) and here[2] == forked[2]
