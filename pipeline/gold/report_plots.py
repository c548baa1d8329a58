"""The report's figures (matplotlib, Agg backend), each returned as a base64 PNG string."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pandas as pd

from pipeline.games import Game
from pipeline.gold.prizes import white_match_pmf


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def mean_matches_over_time(game: Game, era_name: str, series: pd.DataFrame) -> str:
    """Cumulative mean white matches per ticket for each model, inside the random band."""
    import matplotlib.pyplot as plt

    pmf = [float(p) for p in white_match_pmf(game.era_named(era_name))]
    mean = sum(w * p for w, p in enumerate(pmf))
    sd = math.sqrt(sum((w - mean) ** 2 * p for w, p in enumerate(pmf)))
    fig, ax = plt.subplots(figsize=(9, 4))
    band_drawn = False
    for model, g in series.groupby("model_name"):
        tickets = g["tickets"].cumsum().to_numpy(float)
        ax.plot(g["target_draw_date"], g["white_matches"].cumsum() / tickets, label=model)
        if not band_drawn:  # random band: 95% of random players' running means stay inside
            half = 1.96 * sd / np.sqrt(tickets)
            ax.fill_between(g["target_draw_date"], np.maximum(mean - half, 0), mean + half,
                            color="grey",
                            alpha=0.25, label="random 95% band")
            band_drawn = True
    ax.axhline(mean, color="black", lw=1, ls="--", label=f"random expectation {mean:.4f}")
    ax.set(title=f"Running mean white matches per ticket, era from {era_name}",
           ylabel="white matches per ticket")
    ax.legend(fontsize=8, ncol=3)
    return _png(fig)


def prize_tier_counts(era_name: str, tiers: pd.DataFrame) -> str:
    """Winning tickets per tier and model (bars) against the random expectation (markers)."""
    import matplotlib.pyplot as plt

    labels = list(dict.fromkeys(tiers["prize_tier"]))
    models = sorted(tiers["model_name"].unique())
    x, width = np.arange(len(labels)), 0.8 / max(1, len(models))
    fig, ax = plt.subplots(figsize=(9, 4))
    for i, model in enumerate(models):
        g = tiers[tiers["model_name"] == model].set_index("prize_tier").reindex(labels)
        ax.bar(x + i * width, g["observed"].fillna(0), width, label=f"{model} observed")
        ax.scatter(x + i * width, g["expected"].astype(float), color="black", marker="_",
                   s=200, zorder=3, label="random expectation" if i == 0 else None)
    ax.set_xticks(x + width * (len(models) - 1) / 2, labels)
    ax.set_yscale("symlog", linthresh=1)
    ax.set(title=f"Prize-tier counts, era from {era_name}", ylabel="winning tickets")
    ax.legend(fontsize=8, ncol=3)
    return _png(fig)


def number_frequency(era_name: str, ball: str, freq: pd.DataFrame) -> str:
    """Observed minus expected count per number, with the 95% band of uniform draws."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.5))
    expected, n_numbers = float(freq["expected"].iloc[0]), len(freq)
    p = expected / float(freq["n_draws"].iloc[0])
    half = 1.96 * math.sqrt(float(freq["n_draws"].iloc[0]) * p * (1 - p))
    ax.bar(freq["number"], freq["observed"] - expected, color="tab:blue")
    ax.axhspan(-half, half, color="grey", alpha=0.25, label="uniform 95% band per number")
    first = freq.iloc[0]
    ax.set(title=f"{ball} balls, era from {era_name}: {int(first['n_draws'])} draws, "
                 f"chi-square {first['era_chi_square']:.1f} on {int(first['era_df'])} df, "
                 f"p = {first['era_p_value']:.3g}",
           xlabel=f"number (1-{n_numbers})", ylabel="observed - expected")
    ax.legend(fontsize=8)
    return _png(fig)


def current_gaps(era_name: str, ball: str, rows: list[dict]) -> str:
    """Draws since each number was last seen, against the expected gap (the same for all)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.2))
    numbers = [r["number"] for r in rows]
    ax.bar(numbers, [r["current_gap"] for r in rows], color="tab:orange")
    expected = rows[0]["expected_gap"]
    ax.axhline(expected, color="black", lw=1, ls="--",
               label=f"expected gap under random draws: {expected:.1f} draws")
    ax.set(title=f"{ball} balls, era from {era_name}: draws since last seen ('overdue')",
           xlabel="number", ylabel="draws since last seen")
    ax.legend(fontsize=8)
    return _png(fig)


def sum_distribution(era_name: str, summary: dict) -> str:
    """Histogram of the five whites' sum against its exact distribution under random draws."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.2))
    bins = summary["bins"]
    left = [b["from"] for b in bins]
    widths = [b["to"] - b["from"] + 1 for b in bins]
    ax.bar(left, [b["count"] for b in bins], width=widths, align="edge", color="tab:blue",
           alpha=0.7, label="observed draws")
    ax.step(left + [bins[-1]["to"] + 1], [b["expected_count"] for b in bins]
            + [bins[-1]["expected_count"]], where="post", color="black",
            label="exact expectation (random draws)")
    ax.set(title=f"Sum of the five white balls, era from {era_name}: {summary['draws']} draws",
           xlabel="sum of the whites", ylabel="draws")
    ax.legend(fontsize=8)
    return _png(fig)
