"""Score tickets against their draws: white matches, special match, prize tier and prize."""

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


def score_rows(game: Game, rows: list[tuple]) -> list[tuple]:
    """Result tuples (RESULT_COLUMNS order) from sql/gold/predictions_with_draws.sql rows."""
    if not rows:
        return []
    picked = np.array([r[5:10] for r in rows], dtype=np.int16)
    drawn = np.array([r[11:16] for r in rows], dtype=np.int16)
    whites = match_counts(picked, drawn)
    out = []
    for row, w in zip(rows, whites.tolist(), strict=True):
        model, run_id, day, ticket, era_name = row[:5]
        special_pick, special_drawn, record_hash = row[10], row[16], row[17]
        era = game.era_named(era_name)
        special = special_pick == special_drawn
        tier, jackpot, prize = classify(era, w, special)
        out.append((model, run_id, game.id, day, ticket, era_name, *row[5:10], special_pick,
                    w, special, tier, jackpot, prize, era.ticket_price_usd, record_hash))
    return out
