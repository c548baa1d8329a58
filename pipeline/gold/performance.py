"""gold.model_performance rows: each model beside the exact random baseline, per era and window.

The draw is the independent unit: tickets of one model for one draw share its outcome, so
every test and interval aggregates them per draw first (see docs/gold.md).
"""

from __future__ import annotations

import math

import pandas as pd

from pipeline.games import Game
from pipeline.gold.calibration import calibration_frame, calibration_metrics
from pipeline.gold.intervals import cluster_ratio, holm, wilson
from pipeline.gold.null_distributions import (
    special_draw_pmf,
    sum_pmf,
    upper_tail,
    white_draw_pmf,
)
from pipeline.gold.prizes import baseline
from pipeline.gold.scoring import RESULT_COLUMNS
from pipeline.gold.windows import window_bounds

WHITE_METHOD = "exact: convolution over draws of the per-draw null pmf of white matches"


def per_draw(results: list[tuple], game: Game) -> pd.DataFrame:
    """One row per (model_name, era, target_draw_date) with totals and exact null pmfs."""
    df = pd.DataFrame(results, columns=list(RESULT_COLUMNS))
    rows = []
    for (model, era_name, day), g in df.groupby(["model_name", "era", "target_draw_date"],
                                                 sort=True):
        era = game.era_named(era_name)
        picks = list(g[["white_1", "white_2", "white_3", "white_4", "white_5"]]
                     .itertuples(index=False, name=None))
        tiers = g["prize_tier"]
        rows.append({
            "model_name": model, "era": era_name, "target_draw_date": day, "k": len(g),
            "white": int(g["white_matches"].sum()), "special": int(g["special_match"].sum()),
            "prize_hits": int((tiers.notna() & (tiers != "none")).sum()),
            # eq(True), not fillna(False): a null (unscored) is no hit, and object-dtype fillna
            # warns once per group, flooding the task log
            "jackpot_hits": int(g["is_jackpot"].eq(True).sum()),
            "prize_sum": float(g["prize_usd"].fillna(0).sum()),
            "white_pmf": white_draw_pmf(picks, era.white_max - era.white_min + 1,
                                        era.white_count),
            "special_pmf": special_draw_pmf(g["special_ball"].tolist(),
                                            era.special_max - era.special_min + 1),
        })
    return pd.DataFrame(rows)


def _any_prize_test(d: pd.DataFrame, p: float) -> tuple[float | None, str | None]:
    """One-sided p-value for more prize-winning tickets than random, and how it was made."""
    from scipy.stats import binomtest

    hits, n = int(d["prize_hits"].sum()), int(d["k"].sum())
    if (d["k"] == 1).all():
        return float(binomtest(hits, n, p, alternative="greater").pvalue), "exact binomial"
    # Several (overlapping) tickets per draw: Azuma-Hoeffding bound on the per-draw counts,
    # valid whatever the overlap, conservative (it never overstates the evidence).
    excess = hits - p * n
    bound = math.exp(-2 * excess * excess / float((d["k"] ** 2).sum())) if excess > 0 else 1.0
    return min(1.0, bound), "Azuma-Hoeffding bound (several tickets per draw)"


def _metrics(game: Game, era_name: str, d: pd.DataFrame) -> dict:
    era = game.era_named(era_name)
    base = baseline(era)
    k = d["k"].to_numpy(dtype=float)
    n, draws = int(k.sum()), len(d)
    one_ticket = bool((d["k"] == 1).all())
    white, special = int(d["white"].sum()), int(d["special"].sum())
    row = {
        "n_draws": draws, "n_predictions": n, "tickets_per_draw_max": int(k.max()),
        "total_white_matches": white, "mean_white_matches": white / n,
        "expected_white_matches": float(base.expected_white_matches),
        "special_hits": special, "special_hit_rate": special / n,
        "expected_special_hit_rate": float(base.expected_special_hit_rate),
        "p_value": upper_tail(sum_pmf(list(d["white_pmf"])), white),
        "p_value_method": WHITE_METHOD,
        "p_value_special": upper_tail(sum_pmf(list(d["special_pmf"])), special),
    }
    row["mean_white_matches_ci_low"], row["mean_white_matches_ci_high"] = cluster_ratio(
        d["white"].to_numpy(float), k, 0.0, float(era.white_count))
    row["special_hit_rate_ci_low"], row["special_hit_rate_ci_high"] = (
        wilson(special, n) if one_ticket else cluster_ratio(d["special"].to_numpy(float), k, 0, 1))
    if base.any_prize_probability is not None:
        hits = int(d["prize_hits"].sum())
        p_any = float(base.any_prize_probability)
        row.update({
            "any_prize_hits": hits, "any_prize_rate": hits / n,
            "expected_any_prize_rate": p_any,
            "jackpot_hits": int(d["jackpot_hits"].sum()),
            "expected_jackpot_hits": n * float(base.jackpot_probability),
            "ticket_price_usd": era.ticket_price_usd,
            "return_per_play": float(d["prize_sum"].sum()) / n,
            "expected_return_per_play": float(base.expected_return_per_play),
        })
        row["any_prize_rate_ci_low"], row["any_prize_rate_ci_high"] = (
            wilson(hits, n) if one_ticket
            else cluster_ratio(d["prize_hits"].to_numpy(float), k, 0, 1))
        row["return_per_play_ci_low"], row["return_per_play_ci_high"] = cluster_ratio(
            d["prize_sum"].to_numpy(float), k, 0.0)
        row["p_value_any_prize"], row["p_value_any_prize_method"] = _any_prize_test(d, p_any)
    return row


def _adjust(rows: list[dict]) -> None:
    """Holm over the models of each (era, window_name), separately per tested metric."""
    families: dict[tuple, list[dict]] = {}
    for r in rows:
        families.setdefault((r["era"], r["window_name"]), []).append(r)
    for family in families.values():
        for raw, adjusted in (("p_value", "p_value_adjusted"),
                              ("p_value_special", "p_value_special_adjusted"),
                              ("p_value_any_prize", "p_value_any_prize_adjusted")):
            for r, p in zip(family, holm([r.get(raw) for r in family]), strict=True):
                r[adjusted] = p
        for r in family:
            r["n_models_compared"] = len(family)


def performance_rows(game: Game, results: list[tuple], draw_dates: list,
                     calibration: list[tuple]) -> list[dict]:
    """Every (model_name, era, window_name) row with at least one scored prediction."""
    if not results:
        return []
    draws = per_draw(results, game)
    scores = calibration_frame(calibration)
    rows = []
    for window, (start, end) in window_bounds(draw_dates).items():
        in_window = draws if start is None else draws[draws["target_draw_date"] >= start]
        for (model, era_name), d in in_window.groupby(["model_name", "era"], sort=True):
            row = {"model_name": model, "game": game.id, "era": era_name,
                   "window_name": window, "window_start": start, "window_end": end}
            row.update(_metrics(game, era_name, d))
            row.update(calibration_metrics(game, scores, model, era_name, start))
            rows.append(row)
    _adjust(rows)
    return rows
