"""Config overrides and the scores-to-tickets rule (no database)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.errors import ConfigError
from pipeline.silver import tickets
from pipeline.silver.config import load_config


def test_defaults_and_overrides(tmp_path):
    base = load_config()
    assert base["tickets"] == 1 and base["retrain_every"] == 50 and len(base["default_models"]) >= 5
    extra = tmp_path / "c.toml"
    extra.write_text("tickets = 2\n[models.gbm]\nmax_iter = 7\n")
    cfg = load_config(str(extra), ["logistic.C=0.5", "models.frequency.window=0"],
                      retrain_every=3)
    assert (cfg["tickets"], cfg["retrain_every"]) == (2, 3)
    assert cfg["models"]["gbm"]["max_iter"] == 7 and cfg["models"]["logistic"]["C"] == 0.5
    assert cfg["models"]["frequency"]["window"] == 0


@pytest.mark.parametrize("params", [["nope=1"], ["gbm.depth=2"], ["tickets"], ["tickets=-1"]])
def test_bad_overrides_are_errors(params):
    with pytest.raises(ConfigError):
        load_config(None, params)


def test_tickets_follow_scores_and_seed():
    prob = np.zeros((2, 11))
    prob[:, 1:] = np.linspace(0.1, 1.0, 10)
    valid = prob > 0
    days = np.array(["2026-01-03", "2026-01-05"], dtype="datetime64[D]")
    noise = tickets.uniforms(7, "powerball", days, "m", "white", 3, 11)
    chosen = tickets.choose(prob, valid, 5, noise)
    assert chosen[:, 0].tolist() == [[6, 7, 8, 9, 10]] * 2  # ticket 1: the top scores
    assert ((chosen >= 1) & (chosen <= 10)).all()
    assert all(len(set(t)) == 5 for t in chosen.reshape(-1, 5).tolist())
    again = tickets.choose(prob, valid, 5, tickets.uniforms(7, "powerball", days, "m", "white",
                                                            3, 11))
    assert (again == chosen).all()
    other = tickets.choose(prob, valid, 5, tickets.uniforms(8, "powerball", days, "m", "white",
                                                            3, 11))
    assert (other[:, 1:] != chosen[:, 1:]).any()


def test_equal_scores_do_not_favour_low_numbers():
    width, days = 70, np.arange(np.datetime64("2020-01-01"), np.datetime64("2021-01-01"))
    prob = np.full((len(days), width), 5 / 69)
    valid = np.ones_like(prob, dtype=bool)
    valid[:, 0] = False
    chosen = tickets.choose(prob, valid, 5, tickets.uniforms(1, "g", days, "random", "white",
                                                             1, width))
    counts = np.bincount(chosen.ravel(), minlength=width)[1:]
    # 366 tickets x 5 numbers over 69: each number about 26.5 times; low numbers not favoured
    assert counts[:10].sum() < 2 * counts[-10:].sum() and counts[-10:].sum() < 2 * counts[:10].sum()
