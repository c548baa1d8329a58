"""Score tickets against their draws: white matches, special match, prize tier and prize.

`evaluate` scores in SQL (sql/gold/score_predictions.sql) with the outcome table below;
score_rows does the same in Python for callers holding rows in memory (bench/verdict_calibration).
"""

from __future__ import annotations

import numpy as np

from pipeline.games import Game
from pipeline.gold.prizes import classify

# Column order of gold.prediction_results / staging.prediction_results as written by COPY.
RESULT_COLUMNS = (
    "model_name", "model_run_id", "game", "target_draw_date", "ticket", "era",
    "white_1", "white_2", "white_3", "white_4", "white_5", "special_ball",
    "white_matches", "special_match", "prize_tier", "is_jackpot", "prize_usd",
    "ticket_price_usd", "draw_record_hash",
)


def match_counts(picked: np.ndarray, drawn: np.ndarray) -> np.ndarray:
    """Per row, how many of the 5 picked whites are among the 5 drawn (both n x 5 arrays)."""
    return (picked[:, :, None] == drawn[:, None, :]).sum(axis=(1, 2))


def outcome_table(game: Game) -> dict[tuple[str, int, bool], tuple]:
    """(era, white matches, special match) -> (tier, jackpot, prize, ticket price): every
    outcome of every era, classified once instead of once per ticket."""
    return {(era.name, w, s): (*classify(era, w, s), era.ticket_price_usd)
            for era in game.eras for w in range(era.white_count + 1) for s in (False, True)}


def outcome_params(game: Game) -> dict[str, list]:
    """The outcome table as the bound arrays of sql/gold/score_predictions.sql. Amounts go as
    text (Python's repr, as COPY wrote them before), so ints, floats and nulls mix freely."""
    table = outcome_table(game)
    keys = list(table)

    def amount(value):
        return None if value is None else str(value)

    return {"eras": [k[0] for k in keys], "white_matches": [k[1] for k in keys],
            "special_matches": [k[2] for k in keys],
            "tiers": [table[k][0] for k in keys], "jackpots": [table[k][1] for k in keys],
            "prizes": [amount(table[k][2]) for k in keys],
            "prices": [amount(table[k][3]) for k in keys]}


def score_rows(game: Game, rows: list[tuple]) -> list[tuple]:
    """Result tuples (RESULT_COLUMNS order) from sql/gold/predictions_with_draws.sql rows."""
    if not rows:
        return []
    numbers = np.array([r[5:17] for r in rows], dtype=np.int16)
    whites = match_counts(numbers[:, 0:5], numbers[:, 6:11]).tolist()
    specials = (numbers[:, 5] == numbers[:, 11]).tolist()
    table = outcome_table(game)
    for era_name in {r[4] for r in rows}:
        game.era_named(era_name)  # an era missing from the game file is an error, as before
    gid = game.id
    return [(row[0], row[1], gid, *row[2:11], w, s, *table[(row[4], w, s)], row[17])
            for row, w, s in zip(rows, whites, specials, strict=True)]
