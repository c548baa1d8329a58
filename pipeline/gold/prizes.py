"""Prize tiers and exact odds of a uniformly random ticket, from an era of the game definition.

Everything is exact (fractions): a random ticket's white matches are hypergeometric (5 drawn
of white_max, 5 picked) and its special ball matches with probability 1/special_max,
independently of the whites.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb

from pipeline.games import JACKPOT, Era


@dataclass(frozen=True)
class Outcome:
    """One (white_matches, special_match) combination and what the era's chart pays for it."""

    white_matches: int
    special_match: bool
    probability: Fraction
    prize_tier: str | None  # '<w>+<s>', 'none', or None when the era has no prize chart
    is_jackpot: bool | None
    prize_usd: float | None  # None for jackpot tiers and for eras without a chart

    @property
    def odds_1_in(self) -> float:
        return float(1 / self.probability)


def tier_label(white_matches: int, special_match: bool) -> str:
    return f"{white_matches}+{int(special_match)}"


def white_match_pmf(era: Era) -> list[Fraction]:
    """P(w white matches), w = 0..white_count, for one random ticket."""
    k, n = era.white_count, era.white_max - era.white_min + 1
    total = comb(n, k)
    return [Fraction(comb(k, w) * comb(n - k, k - w), total) for w in range(k + 1)]


def special_probability(era: Era) -> Fraction:
    return Fraction(1, era.special_max - era.special_min + 1)


def classify(era: Era, white_matches: int, special_match: bool):
    """(prize_tier, is_jackpot, prize_usd) of a ticket with these matches in this era."""
    if not era.prizes:
        return None, None, None
    label = tier_label(white_matches, special_match)
    prize = era.prizes.get(label)
    if prize is None:
        return "none", False, 0.0
    if prize == JACKPOT:
        return label, True, None
    return label, False, float(prize)


def outcomes(era: Era) -> list[Outcome]:
    """Every match combination, best first, with its exact probability and prize."""
    pmf, p_special = white_match_pmf(era), special_probability(era)
    rows = []
    for w in range(era.white_count, -1, -1):
        for s in (True, False):
            prob = pmf[w] * (p_special if s else 1 - p_special)
            rows.append(Outcome(w, s, prob, *classify(era, w, s)))
    return rows


@dataclass(frozen=True)
class Baseline:
    """Exact expectations for one uniformly random ticket of an era."""

    expected_white_matches: Fraction
    expected_special_hit_rate: Fraction
    any_prize_probability: Fraction | None
    jackpot_probability: Fraction
    expected_return_per_play: Fraction | None  # USD, jackpot tiers excluded
    max_fixed_prize_usd: float | None

    @property
    def any_prize_odds_1_in(self) -> float | None:
        p = self.any_prize_probability
        return float(1 / p) if p else None


def baseline(era: Era) -> Baseline:
    rows = outcomes(era)
    pmf = white_match_pmf(era)
    expected_white = sum((w * p for w, p in enumerate(pmf)), Fraction(0))
    jackpot = rows[0].probability  # all whites and the special: the top combination
    if not era.prizes:
        return Baseline(expected_white, special_probability(era), None, jackpot, None, None)
    winning = [r for r in rows if r.prize_tier not in (None, "none")]
    fixed = [r for r in winning if not r.is_jackpot]
    any_prize = sum((r.probability for r in winning), Fraction(0))
    expected_return = sum((r.probability * Fraction(r.prize_usd).limit_denominator()
                           for r in fixed), Fraction(0))
    return Baseline(expected_white, special_probability(era), any_prize, jackpot,
                    expected_return, max((r.prize_usd for r in fixed), default=0.0))
