"""The strongest no-look-ahead check: a target's own result cannot move its prediction.

Walk-forward backtests score targets whose results are in bronze; if any model could see a
target's result, changing that result would change the tickets. Each model must be blind to it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pipeline.games import get_game
from pipeline.silver import features, walkforward
from pipeline.silver.config import load_config
from pipeline.silver.history import load_timeline
from pipeline.silver.models.registry import MODELS

pytestmark = pytest.mark.integration
COLUMNS = ["model_name", "white_1", "white_2", "white_3", "white_4", "white_5", "special_ball"]


def _tickets(tl, targets, fit_points, config):
    feats = features.build(tl, config["features"]["windows"])
    plan = walkforward.Plan(targets, fit_points)
    out = walkforward.predict(tl, feats, plan, list(MODELS), config, "test")
    return out.predictions[COLUMNS].values.tolist()


def test_changing_a_targets_result_changes_no_prediction_for_it(conn, history):
    from pipeline.db import connect

    with connect() as c:
        tl = load_timeline(c, get_game("powerball"))
    config = load_config(params=["tickets=2"])
    rng = np.random.default_rng(7)
    for t in (len(tl) - 300, len(tl) - 1):  # fit point at and well before the target
        targets, fits = np.array([t]), np.array([t - 37])
        honest = _tickets(tl, targets, fits, config)
        whites, special = tl.whites.copy(), tl.special.copy()
        whites[t] = np.sort(rng.choice(np.arange(1, 70), 5, replace=False))
        special[t] = special[t] % 26 + 1
        tampered = dataclasses.replace(tl, whites=whites, special=special)
        assert _tickets(tampered, targets, fits, config) == honest


def test_the_draw_before_a_target_does_move_it(conn, history):
    """Control: the same tampering one draw earlier is visible, so the test above can fail."""
    from pipeline.db import connect

    with connect() as c:
        tl = load_timeline(c, get_game("powerball"))
    config = load_config()
    t = len(tl) - 1
    targets, fits = np.array([t]), np.array([t])
    honest = _tickets(tl, targets, fits, config)
    whites = tl.whites.copy()
    whites[t - 1] = [60, 61, 62, 63, 64] if set(whites[t - 1]) != {60, 61, 62, 63, 64} else [
        1, 2, 3, 4, 5]
    changed = _tickets(dataclasses.replace(tl, whites=whites), targets, fits, config)
    assert changed != honest
