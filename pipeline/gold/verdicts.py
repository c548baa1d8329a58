"""The verdict protocol: what gold may tell a user about a model (docs/gold.md).

Lottery draws are random, so almost every "lead" is chance. Three rules keep gold honest:

1. Exploratory figures are adjusted over everything gold tests for a game. Every p-value stored
   in gold.model_performance (configurations x eras x windows x metrics) is one test of one
   family; Holm's adjustment over the whole family controls the chance of any false lead, and
   the family's size stands beside each adjusted p-value.
2. Only a confirmatory test can say `beats random`. Per era, the scored target draws are split
   in time at their median date. The earlier draws choose the hypotheses (configurations whose
   one pre-specified statistic, the exact white-match p-value, is below ALPHA there); each chosen
   hypothesis is then tested once on the later draws, which played no part in choosing it, with
   Holm over the chosen ones. Draws are independent, so under the null the later p-values are
   valid whatever the earlier draws chose.
3. The uniform `random` model is a negative control: it cannot beat chance. If any of its
   p-values reaches the lead threshold after adjustment, or it is confirmed, the evaluation is
   telling chance from skill no better than chance, and every verdict of the game is
   `inconclusive`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pipeline.gold.intervals import holm
from pipeline.gold.null_distributions import sum_pmf, upper_tail

if TYPE_CHECKING:  # pandas is imported where frames are built (gold/evaluate.py preloads it)
    import pandas as pd

ALPHA = 0.05
CONTROL = "random"
VERDICTS = ("beats random", "unconfirmed lead", "inconclusive", "no evidence")
# (raw, adjusted) column pairs of every test gold stores: one family per game.
TESTS = (("p_value", "p_value_adjusted"),
         ("p_value_special", "p_value_special_adjusted"),
         ("p_value_any_prize", "p_value_any_prize_adjusted"),
         ("log_loss_p_value", "log_loss_p_value_adjusted"))
METRIC_NAMES = {"p_value": "white matches", "p_value_special": "special ball",
                "p_value_any_prize": "any prize", "log_loss_p_value": "log loss"}


def adjust_family(rows: list[dict]) -> None:
    """Holm over every p-value of the game's rows; family_size on each row."""
    cells = [(r, raw, adjusted) for r in rows for raw, adjusted in TESTS
             if r.get(raw) is not None]
    for (r, _, adjusted), p in zip(cells, holm([r[raw] for r, raw, _ in cells]), strict=True):
        r[adjusted] = p
    for r in rows:
        r["family_size"] = len(cells)


def _exact_p(draws: pd.DataFrame) -> float | None:
    if draws.empty:
        return None
    return upper_tail(sum_pmf(list(draws["white_pmf"])), int(draws["white"].sum()))


def split_tests(draws: pd.DataFrame, rows: list[dict]) -> None:
    """The confirmatory columns of each all-time row, from the per-draw frame of its era."""
    by_key = {(r["model_name"], r["config_id"], r["era"]): r
              for r in rows if r["window_name"] == "all_time"}
    chosen: list[dict] = []
    for era, in_era in draws.groupby("era", sort=True):
        dates = np.sort(in_era["target_draw_date"].unique())
        split = dates[len(dates) // 2]
        for (model, config), d in in_era.groupby(["model_name", "config_id"], sort=True):
            row = by_key[(model, config, era)]
            early = d[d["target_draw_date"] < split]
            late = d[d["target_draw_date"] >= split]
            explore = _exact_p(early)
            row.update({"split_date": split, "explore_n_draws": len(early),
                        "explore_p_value": explore,
                        "selected": explore is not None and explore < ALPHA,
                        "confirm_n_draws": len(late), "confirm_p_value": None})
            if row["selected"] and len(late):
                row["confirm_p_value"] = _exact_p(late)
                chosen.append(row)
    for row, p in zip(chosen, holm([r["confirm_p_value"] for r in chosen]), strict=True):
        row["confirm_p_value_adjusted"] = p
    for row in by_key.values():
        row["confirm_family_size"] = len(chosen)


def _control_signal(rows: list[dict]) -> str | None:
    """Why the control makes this family inconclusive, or None when it stayed quiet."""
    for r in rows:
        if r["model_name"] != CONTROL:
            continue
        for raw, adjusted in TESTS:
            if r.get(adjusted) is not None and r[adjusted] < ALPHA:
                return (f"the random control reached adjusted p {r[adjusted]:.2g} on "
                        f"{METRIC_NAMES[raw]} ({r['window_name']}, era {r['era']}): in this "
                        f"evaluation chance alone produces leads, so no verdict is given")
        if (r.get("confirm_p_value_adjusted") or 1.0) < ALPHA:
            return ("the random control was confirmed on later draws: in this evaluation chance "
                    "alone passes the confirmatory test, so no verdict is given")
    return None


def assign_verdicts(rows: list[dict]) -> str | None:
    """verdict and verdict_reason on every all-time row; returns the control's signal."""
    control = _control_signal(rows)
    for r in rows:
        if r["window_name"] != "all_time":
            r["verdict"] = r["verdict_reason"] = None
            continue
        n, adj = r["family_size"], r["p_value_adjusted"]
        confirm = r.get("confirm_p_value_adjusted")
        if control:
            r["verdict"], r["verdict_reason"] = "inconclusive", control
        elif r.get("selected") and confirm is not None and confirm < ALPHA:
            r["verdict"] = "beats random"
            r["verdict_reason"] = (
                f"led on the {r['explore_n_draws']} draws before {r['split_date']} "
                f"(p {r['explore_p_value']:.2g}) and was confirmed on the "
                f"{r['confirm_n_draws']} draws from it on (p {r['confirm_p_value']:.2g}, "
                f"adjusted {confirm:.2g} over {r['confirm_family_size']} confirmatory tests)")
        elif adj < ALPHA:
            r["verdict"] = "unconfirmed lead"
            r["verdict_reason"] = (
                f"exploratory p {r['p_value']:.2g}, adjusted {adj:.2g} over {n} tests; "
                + _not_confirmed(r))
        else:
            r["verdict"] = "no evidence"
            r["verdict_reason"] = (f"p {r['p_value']:.2g}, adjusted {adj:.2g} over {n} tests; "
                                   + _not_confirmed(r))
    return control


def _not_confirmed(r: dict) -> str:
    if not r.get("selected"):
        return "not a lead on the earlier draws"
    if r.get("confirm_p_value") is None:
        return "a lead on the earlier draws, with no later draws to confirm it yet"
    return (f"a lead on the earlier draws that did not replicate on the later ones "
            f"(p {r['confirm_p_value']:.2g}, adjusted {r['confirm_p_value_adjusted']:.2g})")


def _replication(r: dict) -> str:
    if not r.get("selected"):
        return "was not a lead on the earlier draws"
    if r.get("confirm_p_value") is None:
        return "has no later draws to confirm it yet"
    return f"did not replicate on the later draws (p {r['confirm_p_value']:.2g})"


def _names(rows: list[dict]) -> str:
    names = sorted({r["model_name"] for r in rows})
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def summary(game: str, rows: list[dict], control: str | None) -> dict:
    """gold.verdict_summary's row: the plain sentence every surface leads with."""
    top = [r for r in rows if r["window_name"] == "all_time"]
    family = top[0]["family_size"] if top else 0
    confirm_family = top[0]["confirm_family_size"] if top else 0
    best = min(top, key=lambda r: (r["p_value"], r["model_name"])) if top else None
    winners = [r for r in top if r["verdict"] == "beats random"]
    leads = [r for r in top if r["verdict"] == "unconfirmed lead"]
    if best is None:
        sentence = "No model has been evaluated: run backtest (or predict) and evaluate first."
    elif control:
        sentence = f"No verdict: {control}."
    elif winners:
        verb = "beats" if len({r["model_name"] for r in winners}) == 1 else "beat"
        w = min(winners, key=lambda r: r["confirm_p_value_adjusted"])
        sentence = (f"{_names(winners)} {verb} random, confirmed on draws that played no part "
                    f"in choosing {'it' if verb == 'beats' else 'them'}: {w['model_name']} "
                    f"{w['verdict_reason']}.")
    else:
        who = ("the random control" if best["model_name"] == CONTROL
               else best["model_name"])
        where = (f"{who}, p {best['p_value']:.2g}) is 1 of {family} tests "
                 f"(adjusted {best['p_value_adjusted']:.2g})")
        if leads:
            sentence = (f"No model beats random yet: {_names(leads)} "
                        f"{'leads' if len(leads) == 1 else 'lead'} after adjustment (best "
                        f"{where}, not confirmed on later draws.")
        else:
            sentence = (f"No model beats random: the best exploratory result ({where} and "
                        f"{_replication(best)}.")
    return {"game": game, "sentence": sentence, "family_size": family,
            "confirm_family_size": confirm_family,
            "best_model": best["model_name"] if best else None,
            "best_p_value": best["p_value"] if best else None,
            "best_p_value_adjusted": best["p_value_adjusted"] if best else None,
            "control_led": control is not None, "n_beats_random": len(winners)}
