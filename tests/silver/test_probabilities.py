"""Model weights to per-number probabilities: sum to the ball's picks, none above 1."""

import numpy as np

from pipeline.silver.walkforward import _probabilities


def _plain(w, valid, picks):
    w = np.where(valid, w, 0.0)
    return w * (picks / w.sum(axis=1))[:, None]


def test_rows_that_need_no_cap_are_a_plain_rescale():
    rng = np.random.default_rng(1)
    w = rng.uniform(1, 2, size=(4, 69))
    valid = np.ones_like(w, dtype=bool)
    picks = np.full(4, 5.0)
    assert np.array_equal(_probabilities(w, valid, picks), _plain(w, valid, picks))


def test_a_dominant_weight_is_capped_at_one_and_the_rest_share_the_remainder():
    # The gap model after a number went unseen for 1,000 draws, the others for 1-20.
    since = np.concatenate([[1000.0, 400.0], np.arange(1, 68) % 20 + 1.0])[None, :]
    valid = np.ones_like(since, dtype=bool)
    p = _probabilities(since, valid, np.array([5.0]))
    assert _plain(since, valid, 5.0)[0, 0] > 1  # what a plain rescale gave: not a probability
    assert p.max() <= 1.0 and p.min() > 0
    assert np.isclose(p.sum(), 5.0)
    assert p[0, 0] == 1.0 and p[0, 1] == 1.0
    rest = p[0, 2:]
    # the uncapped numbers keep their weights' proportions, sharing the 3 picks left
    assert np.allclose(rest / rest.sum(), since[0, 2:] / since[0, 2:].sum())
    assert np.isclose(rest.sum(), 3.0)


def test_invalid_numbers_get_zero_and_the_special_ball_sums_to_one():
    w = np.array([[50.0, 1.0, 1.0, 7.0]])
    valid = np.array([[True, True, True, False]])
    p = _probabilities(w, valid, np.array([1.0]))
    assert p[0, 3] == 0.0
    assert np.isclose(p.sum(), 1.0) and p.max() <= 1.0
    assert np.allclose(p[0, :3], np.array([50.0, 1.0, 1.0]) / 52.0)
