"""Exact null distributions of per-draw match totals, and of their sum over draws.

A model may play several tickets per draw. They share the draw's outcome, so they are not
independent: two tickets holding the same number win or lose it together. The draw is the
unit: per draw, the total white matches of all the model's tickets is sum_n c_n * X_n, where
c_n counts the tickets holding number n and X is a uniformly random 5-subset of the era's
numbers. Its distribution is computed exactly from the tickets' overlap (a small dynamic
program), and draws are combined by convolution (draws are independent).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from math import comb

import numpy as np


@lru_cache(maxsize=4096)
def _white_pmf(counts: tuple[int, ...], n_numbers: int, k: int) -> tuple[float, ...]:
    """pmf of sum c_n X_n for the nonzero multiplicities `counts` (sorted)."""
    max_total = sum(sorted(counts, reverse=True)[:k])
    # ways[j][s]: subsets of j numbers among the held ones whose multiplicities sum to s
    ways = np.zeros((k + 1, max_total + 1))
    ways[0, 0] = 1.0
    for c in counts:
        ways[1:, c:] += ways[:-1, : max_total + 1 - c].copy()
    free = n_numbers - len(counts)
    pmf = np.zeros(max_total + 1)
    for j in range(k + 1):
        pmf += ways[j] * comb(free, k - j)
    return tuple(pmf / comb(n_numbers, k))


def white_draw_pmf(tickets: list[tuple[int, ...]], n_numbers: int, k: int = 5) -> np.ndarray:
    """Null pmf of one draw's total white matches over `tickets` (each a tuple of whites)."""
    multiplicity = Counter(n for t in tickets for n in t)
    return np.array(_white_pmf(tuple(sorted(multiplicity.values())), n_numbers, k))


def special_draw_pmf(specials: list[int], n_numbers: int) -> np.ndarray:
    """Null pmf of one draw's special-ball hits over the tickets' special balls."""
    multiplicity = Counter(specials)
    pmf = np.zeros(max(multiplicity.values()) + 1)
    for c in multiplicity.values():
        pmf[c] += 1
    pmf[0] += n_numbers - len(multiplicity)
    return pmf / n_numbers


def _convolve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from scipy.signal import convolve

    out = np.clip(convolve(a, b, method="auto"), 0.0, None)
    return out / out.sum()


def _power(pmf: np.ndarray, n: int) -> np.ndarray:
    result, base = np.array([1.0]), pmf
    while n:
        if n & 1:
            result = _convolve(result, base)
        n >>= 1
        if n:
            base = _convolve(base, base)
    return result


@lru_cache(maxsize=64)
def _power_of(key: bytes, n: int) -> np.ndarray:
    """_power of the float64 pmf whose bytes are `key`, kept: every model of an era and window
    powers the same one-ticket pmf the same number of times (one per draw), so an evaluate
    computes each power once instead of once per model. Read-only: callers share it."""
    out = _power(np.frombuffer(key, dtype=np.float64), n)
    out.setflags(write=False)
    return out


def sum_pmf(pmfs: list[np.ndarray]) -> np.ndarray:
    """pmf of the sum of independent draws' totals (identical pmfs are powered, not looped)."""
    groups: dict[bytes, tuple[np.ndarray, int]] = {}
    # Draws with one ticket share their era's pmf object: counted by object first, then merged
    # by content, in order of first occurrence either way (the parts' order, so every rounding,
    # is the same as one pmf at a time).
    objects: dict[int, list] = {}
    for p in pmfs:
        seen = objects.get(id(p))
        if seen is None:
            objects[id(p)] = [p, 1]
        else:
            seen[1] += 1
    for p, n in objects.values():
        key = p.tobytes()
        groups[key] = (p, groups[key][1] + n) if key in groups else (p, n)
    parts = [_power_of(key, n) if p.dtype == np.float64 else _power(p, n)
             for key, (p, n) in groups.items()] or [np.array([1.0])]
    while len(parts) > 1:  # balanced tree keeps the convolutions short
        parts = [_convolve(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i]
                 for i in range(0, len(parts), 2)]
    return parts[0]


def upper_tail(pmf: np.ndarray, observed: int) -> float:
    """P(total >= observed) under the null: the one-sided p-value for 'better than random'."""
    if observed <= 0:
        return 1.0
    if observed >= len(pmf):
        return 0.0
    return float(min(1.0, max(0.0, pmf[observed:].sum())))
