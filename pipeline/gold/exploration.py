"""The report's exploration of bronze draws, each figure beside its exact expectation per era.

People look for hot numbers, overdue numbers, lucky pairs and lucky days. Under uniform draws
(5 distinct whites of n, one special of m) each of those has an exact expectation, and the
report shows it beside the observed value so that chance looks like chance:

- count of a white number: draws x 5/n; of a special number: draws/m.
- draws since last seen (the current gap): geometric with p = 5/n (1/m), so its mean, like the
  mean gap between two appearances, is (1 - p)/p = n/5 - 1 (m - 1).
- count of a white pair: draws x C(n-2,3)/C(n,5) = draws x 20/(n(n-1)). With C(n,2) pairs some
  pair is always "hot": `pairs_at_least` is how many pairs reach that count by chance
  (C(n,2) x the binomial tail; pairs are not independent, the mean is still exact).
- sum of the five whites: mean 5(n+1)/2, variance 5(n+1)(n-5)/12 (sampling without
  replacement); its exact distribution counts the 5-subsets of 1..n by sum.
- draws per weekday: the game's schedule says which days draw; the white sum's mean is the same
  5(n+1)/2 on every day.

Draws are counted per rule era (gold's unit), from the era's first draw in bronze.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np
from scipy.stats import binom

from pipeline.games import WEEKDAYS, Era, Game


@dataclass(frozen=True)
class Draw:
    day: dt.date
    whites: tuple[int, ...]
    special: int


def _range(era: Era, ball: str) -> range:
    if ball == "white":
        return range(era.white_min, era.white_max + 1)
    return range(era.special_min, era.special_max + 1)


def picks(era: Era, ball: str) -> int:
    return era.white_count if ball == "white" else 1


def number_table(era: Era, draws: list[Draw], ball: str) -> list[dict]:
    """Per number: count, expected count, last seen, current gap (draws since), expected gap."""
    numbers = _range(era, ball)
    n, k, total = len(numbers), picks(era, ball), len(draws)
    p = k / n
    last_index: dict[int, int] = {}
    counts: Counter = Counter()
    for i, d in enumerate(draws):
        for x in (d.whites if ball == "white" else (d.special,)):
            counts[x] += 1
            last_index[x] = i
    rows = []
    for x in numbers:
        seen = x in last_index
        rows.append({
            "number": x, "count": counts[x], "expected_count": total * p,
            "last_seen": draws[last_index[x]].day if seen else None,
            # never seen in the era: at least every draw of it (censored)
            "current_gap": total - 1 - last_index[x] if seen else total,
            "expected_gap": (1 - p) / p})
    return rows


def pair_expected(era: Era, draws: int) -> float:
    n = era.white_max - era.white_min + 1
    return draws * comb(n - 2, 3) / comb(n, 5)


def top_pairs(era: Era, draws: list[Draw], top: int = 10) -> list[dict]:
    """The most frequent white pairs, with the expected count and how many pairs reach it."""
    n = era.white_max - era.white_min + 1
    counts = Counter(pair for d in draws for pair in combinations(sorted(d.whites), 2))
    q = comb(n - 2, 3) / comb(n, 5)
    n_pairs = comb(n, 2)
    rows = []
    for (a, b), c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        rows.append({"pair": [a, b], "count": c, "expected_count": len(draws) * q,
                     "pairs_at_least": float(n_pairs * binom.sf(c - 1, len(draws), q)),
                     "n_pairs": n_pairs})
    return rows


def sum_pmf(era: Era) -> dict[int, float]:
    """Exact distribution of the sum of 5 distinct whites of the era (counts of 5-subsets)."""
    lo, hi, k = era.white_min, era.white_max, era.white_count
    top = k * hi
    ways = np.zeros((k + 1, top + 1), dtype=object)  # ways[j, s]: j numbers summing to s
    ways[0, 0] = 1
    for x in range(lo, hi + 1):
        for j in range(k, 0, -1):
            ways[j, x:] = ways[j, x:] + ways[j - 1, :top + 1 - x]
    total = comb(hi - lo + 1, k)
    return {s: int(ways[k, s]) / total for s in range(top + 1) if ways[k, s]}


def sum_summary(era: Era, draws: list[Draw], bins: int = 12) -> dict:
    """Observed white sums against the exact distribution, binned for a table and a figure."""
    n = era.white_max - era.white_min + 1
    sums = np.array([sum(d.whites) for d in draws], dtype=float)
    pmf = sum_pmf(era)
    support = np.array(sorted(pmf))
    edges = np.linspace(support.min(), support.max() + 1, bins + 1).round().astype(int)
    observed = np.histogram(sums, bins=edges)[0]
    probs = np.array([sum(p for s, p in pmf.items() if a <= s < b)
                      for a, b in zip(edges[:-1], edges[1:], strict=True)])
    mean = 5 * (n + 1) / 2 if era.white_min == 1 else float(sum(s * p for s, p in pmf.items()))
    return {"draws": len(draws), "mean": float(sums.mean()) if len(sums) else None,
            "expected_mean": mean,
            "sd": float(sums.std(ddof=1)) if len(sums) > 1 else None,
            "expected_sd": float(np.sqrt(5 * (n + 1) * (n - 5) / 12)),
            "bins": [{"from": int(a), "to": int(b) - 1, "count": int(o),
                      "expected_count": float(len(draws) * p)}
                     for a, b, o, p in zip(edges[:-1], edges[1:], observed, probs, strict=True)],
            "pmf": pmf}


def weekday_table(game: Game, era: Era, draws: list[Draw]) -> list[dict]:
    """Per weekday with draws: draws in bronze, draws scheduled, mean white sum vs expected."""
    if not draws:
        return []
    n = era.white_max - era.white_min + 1
    scheduled = Counter(d.weekday() for d in game.draw_dates(draws[0].day, draws[-1].day)
                        if era.contains(d))
    by_day: dict[int, list[int]] = {}
    for d in draws:
        by_day.setdefault(d.day.weekday(), []).append(sum(d.whites))
    rows = []
    for wd in sorted(set(scheduled) | set(by_day)):
        sums = by_day.get(wd, [])
        rows.append({"weekday": WEEKDAYS[wd], "draws": len(sums),
                     "scheduled": scheduled.get(wd, 0),
                     "mean_sum": float(np.mean(sums)) if sums else None,
                     "expected_mean_sum": 5 * (n + 1) / 2,
                     "sd_of_mean": float(np.sqrt(5 * (n + 1) * (n - 5) / 12 / len(sums)))
                     if sums else None})
    return rows


def draws_by_era(rows) -> dict[str, list[Draw]]:
    """(draw_date, era, w1..w5, special) rows, oldest first -> {era: [Draw, ...]}."""
    out: dict[str, list[Draw]] = {}
    for r in rows:
        out.setdefault(r[1], []).append(Draw(r[0], tuple(r[2:7]), r[7]))
    return out
