"""Rows of the gold reference tables: exact baselines and prize tiers per era, from the game."""

from __future__ import annotations

from pipeline.games import Game
from pipeline.gold.prizes import baseline, outcomes


def _f(value):
    return None if value is None else float(value)


def baseline_rows(game: Game) -> list[tuple]:
    rows = []
    for era in game.eras:
        b = baseline(era)
        rows.append((game.id, era.name, era.end, era.white_max, era.special_max,
                     era.ticket_price_usd, float(b.expected_white_matches),
                     float(b.expected_special_hit_rate), _f(b.any_prize_probability),
                     b.any_prize_odds_1_in, float(1 / b.jackpot_probability),
                     _f(b.expected_return_per_play)))
    return rows


def prize_tier_rows(game: Game) -> list[tuple]:
    return [(game.id, era.name, o.white_matches, o.special_match, o.prize_tier, o.is_jackpot,
             o.prize_usd, float(o.probability), o.odds_1_in)
            for era in game.eras for o in outcomes(era)]
