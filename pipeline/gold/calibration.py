"""Calibration of the per-number probabilities (silver.prediction_scores) against uniform.

Scored per number and draw as a binary event (drawn or not): mean log loss and Brier score of
the model's probabilities beside those of the uniform probability (5/white_max for whites,
1/special_max for the special ball) on the same draws. log_loss_p_value is a one-sided paired
t-test over draws of "the model's log loss is lower than uniform's" (approximate: draws are
the unit; no multiplicity adjustment, so it is descriptive, not a verdict).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pipeline.games import Game

if TYPE_CHECKING:  # imported on use: gold/evaluate.py preloads it while its SQL runs
    import pandas as pd

COLUMNS = ("model_name", "target_draw_date", "era", "ball_type", "n_numbers", "log_loss_sum",
           "brier_sum")


def calibration_frame(rows: list[tuple]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(COLUMNS))


def rows_from_draw_sums(rows: list[tuple], offset: int) -> list[tuple]:
    """COLUMNS rows (one per model, draw and ball type with scores, ordered by model, draw and
    ball type) from sql/gold/staged_draws.sql's rows: model_name, era and target_draw_date at
    0, 2 and 3, the draw's (numbers, log loss sum, Brier sum) of white then special from
    `offset` on, rows ordered by model and draw. A (model, draw) on several rows (tickets under
    more than one configuration) counts once, as its sums are one."""
    out, seen = [], set()
    for r in rows:
        key = (r[0], r[3])
        if key in seen:
            continue
        seen.add(key)
        white, special = r[offset:offset + 3], r[offset + 3:offset + 6]
        # 'special' sorts before 'white'
        if special[0] is not None:
            out.append((r[0], r[3], r[2], "special", *special))
        if white[0] is not None:
            out.append((r[0], r[3], r[2], "white", *white))
    return out


def uniform_sums(n_numbers: int, drawn: int) -> tuple[float, float]:
    """(log loss sum, Brier sum) over one draw's numbers for the uniform probability."""
    p = drawn / n_numbers
    log_loss = -(drawn * math.log(p) + (n_numbers - drawn) * math.log(1 - p))
    brier = drawn * (1 - p) ** 2 + (n_numbers - drawn) * p ** 2
    return log_loss, brier


def calibration_metrics(game: Game, scores: pd.DataFrame, era_name: str, start,
                        draws=None) -> dict:
    """Calibration columns for one model's scores in one era (`scores` holds only those), from
    the window's `start` on and, when given, only on `draws` (one configuration's); empty when
    there are no scores."""
    import pandas as pd
    from scipy.stats import ttest_1samp

    d = scores
    if start is not None:
        d = d[d["target_draw_date"] >= start]
    if draws is not None:
        d = d[d["target_draw_date"].isin(draws)]
    if d.empty:
        return {}
    era = game.era_named(era_name)
    sizes = {"white": (era.white_max - era.white_min + 1, era.white_count),
             "special": (era.special_max - era.special_min + 1, 1)}
    out: dict = {"calibration_n_draws": int(d["target_draw_date"].nunique())}
    diff = pd.Series(0.0, index=sorted(d["target_draw_date"].unique()))
    for ball, (n_numbers, drawn) in sizes.items():
        b = d[d["ball_type"] == ball]
        if b.empty:
            continue
        # silver scores every valid number of the era, so uniform is summed over all of them
        ll_u, brier_u = uniform_sums(n_numbers, drawn)
        per_number = b["n_numbers"].sum()
        out[f"{ball}_log_loss"] = float(b["log_loss_sum"].sum() / per_number)
        out[f"{ball}_brier"] = float(b["brier_sum"].sum() / per_number)
        out[f"{ball}_log_loss_uniform"] = ll_u / n_numbers
        out[f"{ball}_brier_uniform"] = brier_u / n_numbers
        per_draw = b.set_index("target_draw_date")["log_loss_sum"] - ll_u
        diff = diff.add(per_draw, fill_value=0.0)
    if len(diff) >= 2 and diff.std() > 1e-9:  # identical to uniform up to rounding: no test
        out["log_loss_p_value"] = float(ttest_1samp(diff, 0.0, alternative="less").pvalue)
    return out
