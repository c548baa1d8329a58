"""Scoring and the per-configuration figures: tickets scored against their draws (white
matches, special match, prize tier and prize), and gold.model_performance rows (each model
beside the exact random baseline, per era and window).

`evaluate` scores in SQL (sql/gold/score_predictions.sql) with the outcome table below;
score_rows does the same in Python for callers holding rows in memory (bench/verdict_calibration).

The draw is the independent unit: tickets of one model for one draw share its outcome, so
every test and interval aggregates them per draw first (see docs/gold.md).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from pipeline.games import Game
from pipeline.gold.calibration import calibration_frame, calibration_metrics
from pipeline.gold.intervals import cluster_ratio, wilson
from pipeline.gold.null_distributions import (
    special_draw_pmf,
    sum_pmf,
    upper_tail,
    white_draw_pmf,
)
from pipeline.gold.prizes import baseline, classify
from pipeline.gold.verdicts import adjust_family, assign_verdicts, split_tests, summary
from pipeline.gold.windows import window_bounds

if TYPE_CHECKING:  # imported on use: gold/evaluate.py preloads it while its SQL runs
    import pandas as pd

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


WHITE_METHOD = "exact: convolution over draws of the per-draw null pmf of white matches"


KEYS = ["model_name", "config_id", "era", "target_draw_date"]
WHITES = ["white_1", "white_2", "white_3", "white_4", "white_5"]


def per_draw(results: list[tuple] | pd.DataFrame, game: Game, configs: dict) -> pd.DataFrame:
    """One row per (model_name, config_id, era, target_draw_date) with totals and exact null
    pmfs. `configs` maps each model_run_id to its config_id (sql/gold/model_configs.sql); a
    model has one prediction set per draw, so its tickets of one draw share one configuration.

    Totals are one grouped aggregation. A draw with one ticket has its era's hypergeometric
    null whatever the numbers, so only draws with several tickets need their overlap's pmf.
    """
    import pandas as pd

    df = (results.copy() if isinstance(results, pd.DataFrame)
          else pd.DataFrame(results, columns=list(RESULT_COLUMNS)))
    df["config_id"] = df["model_run_id"].astype(str).map(configs)
    if df["config_id"].isna().any():
        raise ValueError("a prediction's model run is missing from silver.model_runs")
    df = df.sort_values([*KEYS, "ticket"], kind="stable", ignore_index=True)
    tiers = df["prize_tier"]
    df["_special"] = df["special_match"].astype(bool).astype(int)
    df["_prize_hit"] = (tiers.notna() & (tiers != "none")).astype(int)
    df["_jackpot"] = df["is_jackpot"].eq(True).astype(int)  # a null (unscored) is no hit
    df["_prize"] = [0.0 if v is None else float(v) for v in df["prize_usd"]]
    out = df.groupby(KEYS, sort=True).agg(
        k=("ticket", "size"), white=("white_matches", "sum"), special=("_special", "sum"),
        prize_hits=("_prize_hit", "sum"), jackpot_hits=("_jackpot", "sum"),
        prize_sum=("_prize", "sum")).reset_index()
    for column in ("k", "white", "special", "prize_hits", "jackpot_hits"):
        out[column] = out[column].astype(int)
    starts = np.concatenate([[0], np.cumsum(out["k"].to_numpy())[:-1]]).tolist()
    # The tickets' numbers as plain lists, sliced per draw (a DataFrame slice per draw cost
    # ~4 ms: most of an evaluate with several tickets per draw).
    whites = [tuple(t) for t in df[WHITES].to_numpy().tolist()]
    specials = df["special_ball"].tolist()
    single = {}  # era -> (white pmf, special pmf) of one ticket: the same whatever its numbers
    white_pmfs, special_pmfs = [], []
    for era_name, start, k in zip(out["era"].tolist(), starts, out["k"].tolist(), strict=True):
        if k == 1 and era_name in single:
            white, special = single[era_name]
        else:
            era = game.era_named(era_name)
            white = white_draw_pmf(whites[start:start + k],
                                   era.white_max - era.white_min + 1, era.white_count)
            special = special_draw_pmf(specials[start:start + k],
                                       era.special_max - era.special_min + 1)
            if k == 1:
                single[era_name] = white, special
        white_pmfs.append(white)
        special_pmfs.append(special)
    out["white_pmf"], out["special_pmf"] = white_pmfs, special_pmfs
    return out


TOTALS = [*KEYS, "k", "white", "special", "prize_hits", "jackpot_hits", "prize_sum"]
TICKETS = [*KEYS, "ticket", *WHITES, "special_ball", "prize_usd"]


def per_draw_from_totals(totals: list[tuple], tickets: list[tuple], game: Game) -> pd.DataFrame:
    """per_draw's frame from totals aggregated in SQL: `totals` one row per draw
    (sql/gold/staged_draws.sql, TOTALS order), `tickets` the tickets of the draws with several
    (sql/gold/staged_shared_tickets.sql, TICKETS order).

    Identical to per_draw on the same results: the same rows in the same order; a one-ticket
    draw has its era's pmf whatever its numbers and its prize as its sum; the tickets of a draw
    with several give its pmfs and their prizes are summed by the same pandas groupby, in
    ticket order, as per_draw sums them. Only those draws' tickets reach Python.
    """
    import pandas as pd

    # staged_draws.sql's columns after TOTALS are calibration's (calibration.py)
    out = pd.DataFrame([r[:len(TOTALS)] for r in totals], columns=TOTALS)
    if out["config_id"].isna().any():
        raise ValueError("a prediction's model run is missing from silver.model_runs")
    out = out.sort_values(KEYS, kind="stable", ignore_index=True)
    for column in ("k", "white", "special", "prize_hits", "jackpot_hits"):
        out[column] = out[column].astype(int)
    shared = pd.DataFrame(tickets, columns=TICKETS).sort_values(
        [*KEYS, "ticket"], kind="stable", ignore_index=True)
    shared["_prize"] = [0.0 if v is None else float(v) for v in shared["prize_usd"]]
    sums = shared.groupby(KEYS, sort=True)["_prize"].sum()
    if len(sums):
        multi = out["k"].to_numpy() > 1
        keyed = pd.MultiIndex.from_frame(out.loc[multi, KEYS])
        out.loc[multi, "prize_sum"] = sums.reindex(keyed).to_numpy()
    out["prize_sum"] = out["prize_sum"].astype(float)
    whites = [tuple(t) for t in shared[WHITES].to_numpy().tolist()]
    specials = shared["special_ball"].tolist()
    firsts = shared.drop_duplicates(KEYS)  # each shared draw's first ticket (sorted above)
    starts = dict(zip(firsts[KEYS].itertuples(index=False, name=None), firsts.index.tolist(),
                      strict=True))
    era_names, ks = out["era"].tolist(), out["k"].tolist()
    # each era looked up once, in row order (an unknown one raises at its first row, as before)
    eras = {name: game.era_named(name) for name in dict.fromkeys(era_names)}
    single = {}  # era -> (white pmf, special pmf) of one ticket: the same whatever its numbers
    for name in {e for e, k in zip(era_names, ks, strict=True) if k == 1}:
        era = eras[name]
        single[name] = (
            white_draw_pmf([tuple(range(era.white_min, era.white_min + era.white_count))],
                           era.white_max - era.white_min + 1, era.white_count),
            special_draw_pmf([era.special_min], era.special_max - era.special_min + 1))
    white_pmfs = [single[e][0] if k == 1 else None for e, k in zip(era_names, ks, strict=True)]
    special_pmfs = [single[e][1] if k == 1 else None for e, k in zip(era_names, ks, strict=True)]
    # only draws with several tickets need their own pmfs (a row loop over every draw was most
    # of this function)
    several = [i for i, k in enumerate(ks) if k > 1]
    for i, key in zip(several, out[KEYS].iloc[several].itertuples(index=False, name=None),
                      strict=True):
        era, start, k = eras[key[2]], starts[key], ks[i]
        white_pmfs[i] = white_draw_pmf(whites[start:start + k], era.white_max - era.white_min + 1,
                                       era.white_count)
        special_pmfs[i] = special_draw_pmf(specials[start:start + k],
                                           era.special_max - era.special_min + 1)
    out["white_pmf"], out["special_pmf"] = white_pmfs, special_pmfs
    return out


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


def _count_models(rows: list[dict]) -> None:
    families: dict[tuple, int] = {}
    for r in rows:
        families[(r["era"], r["window_name"])] = families.get((r["era"], r["window_name"]), 0) + 1
    for r in rows:
        r["n_models_compared"] = families[(r["era"], r["window_name"])]


def performance_rows(game: Game, results: list[tuple] | pd.DataFrame | None, draw_dates: list,
                     calibration: list[tuple], configs: dict[str, tuple[str, str]], *,
                     draws: pd.DataFrame | None = None) -> tuple[list[dict], dict]:
    """Every (model_name, config_id, era, window_name) row with at least one scored prediction,
    with the verdict protocol applied (pipeline/gold/verdicts.py), and the game's summary row.

    `results` are result tuples (RESULT_COLUMNS order) or a DataFrame holding at least the
    columns per_draw reads, or None with `draws`, per_draw's frame already built
    (per_draw_from_totals); `configs` maps model_run_id to (config_id, config JSON text)
    (with `draws`, only its values are read: evaluate keys it by config_id).
    """
    if draws is None:
        draws = (per_draw(results, game, {run: c[0] for run, c in configs.items()})
                 if len(results) else None)
    if draws is None or draws.empty:
        return [], summary(game.id, [], None)
    config_text = {c[0]: c[1] for c in configs.values()}
    scores = calibration_frame(calibration)
    scores_of = {key: g for key, g in scores.groupby(["model_name", "era"], sort=False)}
    no_scores = scores.iloc[0:0]
    rows = []
    for window, (start, end) in window_bounds(draw_dates).items():
        in_window = draws if start is None else draws[draws["target_draw_date"] >= start]
        for (model, config, era_name), d in in_window.groupby(
                ["model_name", "config_id", "era"], sort=True):
            row = {"model_name": model, "config_id": config, "config": config_text[config],
                   "game": game.id, "era": era_name, "window_name": window,
                   "window_start": start, "window_end": end,
                   "first_target_draw": d["target_draw_date"].min(),
                   "last_target_draw": d["target_draw_date"].max()}
            row.update(_metrics(game, era_name, d))
            # calibration scores carry no run id: a model's scores of a draw are those of the
            # configuration that predicted it, so the draws of this group select them
            row.update(calibration_metrics(game, scores_of.get((model, era_name), no_scores),
                                           era_name, start, d["target_draw_date"]))
            rows.append(row)
    _count_models(rows)
    adjust_family(rows)
    split_tests(draws, rows)
    control = assign_verdicts(rows)
    return rows, summary(game.id, rows, control)
