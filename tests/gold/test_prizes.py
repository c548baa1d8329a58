"""Prize and odds math from the game definition against the published Powerball chart."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.games import get_game
from pipeline.gold.prizes import baseline, outcomes

# The published chart (powerball.com / the data README): odds 1 in X per tier.
CURRENT_ODDS = {"5+1": 292_201_338, "5+0": 11_688_053.52, "4+1": 913_129.18,
                "4+0": 36_525.17, "3+1": 14_494.11, "3+0": 579.76, "2+1": 701.33,
                "1+1": 91.98, "0+1": 38.32}


def _era(day: str):
    return get_game("powerball").era_for(dt.date.fromisoformat(day))


def test_current_era_odds_per_tier_match_the_published_chart():
    odds = {o.prize_tier: round(o.odds_1_in, 2) for o in outcomes(_era("2025-06-01"))
            if o.prize_tier != "none"}
    assert odds == CURRENT_ODDS


def test_current_era_any_prize_and_expectations():
    b = baseline(_era("2025-06-01"))
    assert round(b.any_prize_odds_1_in, 2) == 24.87
    assert b.expected_white_matches == pytest.approx(25 / 69, abs=1e-15)
    assert b.expected_special_hit_rate == pytest.approx(1 / 26, abs=1e-15)


@pytest.mark.parametrize("day", ["2012-06-01", "2014-06-01"])  # both 59/35 eras of 2012-2015
def test_2012_2015_era_jackpot_and_any_prize(day):
    era = _era(day)
    b = baseline(era)
    assert (era.white_max, era.special_max) == (59, 35)
    assert round(1 / b.jackpot_probability) == 175_223_510
    assert round(b.any_prize_odds_1_in, 2) == 31.85
    assert b.expected_white_matches == pytest.approx(25 / 59, abs=1e-15)


def test_probabilities_of_all_outcomes_sum_to_one_and_agree_with_scipy():
    from scipy.stats import hypergeom

    for era in get_game("powerball").eras:
        rows = outcomes(era)
        assert sum(o.probability for o in rows) == 1
        for o in rows:
            p_white = hypergeom(era.white_max, 5, 5).pmf(o.white_matches)
            p_special = 1 / era.special_max if o.special_match else 1 - 1 / era.special_max
            assert float(o.probability) == pytest.approx(p_white * p_special, rel=1e-9)


def test_expected_return_excludes_the_jackpot_and_eras_without_a_chart_have_none():
    era = _era("2025-06-01")
    fixed = {"5+0": 1e6, "4+1": 5e4, "4+0": 100, "3+1": 100, "3+0": 7, "2+1": 7, "1+1": 4,
             "0+1": 4}
    from scipy.stats import hypergeom

    def prob(tier):
        w, s = map(int, tier.split("+"))
        return hypergeom(69, 5, 5).pmf(w) * (1 / 26 if s else 25 / 26)

    expected = sum(prize * prob(t) for t, prize in fixed.items())
    assert float(baseline(era).expected_return_per_play) == pytest.approx(expected, rel=1e-12)
    old = _era("2000-01-01")
    assert not old.prizes
    assert baseline(old).any_prize_probability is None
    assert {o.prize_tier for o in outcomes(old)} == {None}
