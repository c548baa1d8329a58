"""Exact null distributions, intervals and Holm against independent brute-force computations."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from pipeline.gold.intervals import holm, wilson
from pipeline.gold.null_distributions import (
    special_draw_pmf,
    sum_pmf,
    upper_tail,
    white_draw_pmf,
)


def _brute_force_white(tickets, n_numbers, k):
    totals = [sum(len(set(t) & set(draw)) for t in tickets)
              for draw in combinations(range(1, n_numbers + 1), k)]
    counts = np.bincount(totals)
    return counts / counts.sum()


@pytest.mark.parametrize("tickets", [
    [(1, 2, 3)],
    [(1, 2, 3), (1, 2, 4)],
    [(1, 2, 3), (1, 2, 3), (5, 6, 7)],
    [(1, 4, 7), (2, 5, 8), (3, 6, 9), (1, 2, 10)],
])
def test_white_pmf_of_overlapping_tickets_equals_enumeration(tickets):
    exact = white_draw_pmf(tickets, 12, 3)
    brute = _brute_force_white(tickets, 12, 3)
    assert np.allclose(np.pad(exact, (0, max(0, len(brute) - len(exact)))),
                       np.pad(brute, (0, max(0, len(exact) - len(brute)))), atol=1e-14)


def test_one_ticket_is_hypergeometric_and_sums_are_convolutions():
    from scipy.stats import hypergeom

    one = white_draw_pmf([(1, 2, 3, 4, 5)], 69)
    assert np.allclose(one, hypergeom(69, 5, 5).pmf(range(6)), atol=1e-15)
    direct = np.array([1.0])
    for _ in range(37):
        direct = np.convolve(direct, hypergeom(69, 5, 5).pmf(range(6)))
    total = sum_pmf([one] * 37)
    assert np.allclose(total, direct, atol=1e-13)
    assert upper_tail(total, 20) == pytest.approx(direct[20:].sum(), abs=1e-12)
    assert upper_tail(total, 0) == 1.0


def test_special_pmf_counts_tickets_sharing_a_ball():
    assert np.allclose(special_draw_pmf([3, 3, 5], 26), [24 / 26, 1 / 26, 1 / 26])


def test_holm_matches_its_definition():
    p = [0.01, 0.04, 0.03, 0.5, None]
    order = sorted(range(4), key=lambda i: p[i])
    expected, running = {}, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (4 - rank) * p[i]))
        expected[i] = running
    assert holm(p) == [expected[0], expected[1], expected[2], expected[3], None]


def test_wilson_interval_covers_the_estimate_and_stays_in_0_1():
    low, high = wilson(0, 40)
    assert low == 0.0 and 0 < high < 0.1
    low, high = wilson(10, 40)
    assert low < 0.25 < high
