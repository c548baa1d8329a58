"""Calibration of the verdict protocol: how often gold says `beats random` when it is false, and
how often it says it when a bias is real.

Each history is a synthetic daily 5+1 game (bench/planted.py) of HISTORY draws, fair or with
white numbers 1-10 drawn twice as often. Its last TARGETS draws are backtested walk-forward with
`random,frequency,gap` and judged by the same code evaluate runs (silver's walkforward, gold's
scoring, performance_rows and the verdict protocol), in memory: the database adds nothing to
the statistics and would make hundreds of histories take hours.

Lines:
- verdict_false_positive: share of fair histories with any `beats random` (target: at most
  0.05), with its exact (Clopper-Pearson) 95% interval;
- verdict_power: share of biased histories whose `frequency` is `beats random` (target: at
  least 0.90), and the share where `random` is (must be 0), with intervals.
ratio: seconds per history of this run over the first line's (the reference measured in the
same run).

`python -m bench verdict_calibration --rows N` runs N fair and max(40, N // 5) biased histories
(default 200 and 40); BENCH_VERDICT_PARTS=fair or =biased runs one part.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import numpy as np

from bench import planted
from bench.harness import emit

HISTORY, TARGETS = 1500, 770
MODELS = ["random", "frequency", "gap"]


def _game():
    import tempfile
    from pathlib import Path

    from pipeline.games import _load

    folder = Path(tempfile.mkdtemp(prefix="verdict_calibration_"))
    path = folder / "games.toml"
    path.write_text(planted.games_toml())
    return _load(str(path))[planted.GAME]


def _calibration_rows(scores, tl) -> list[tuple]:
    """Calibration rows (pipeline/gold/calibration.py COLUMNS), computed from the in-memory
    scores."""
    index = {str(d): i for i, d in enumerate(np.datetime_as_string(tl.dates, unit="D"))}
    era = tl.game.eras[0].name
    rows = []
    for model, _game_id, day, ball, first, values in scores:
        i = index[str(day)]
        p = np.clip(np.asarray(values, dtype=float), 1e-12, 1 - 1e-12)
        numbers = np.arange(first, first + len(p))
        drawn = (np.isin(numbers, tl.whites[i]) if ball == "white"
                 else numbers == tl.special[i])
        rows.append((model, tl.date(i), era, ball, len(p),
                     float(-(np.log(np.where(drawn, p, 1 - p))).sum()),
                     float(((p - drawn) ** 2).sum())))
    return rows


def judge(game, seed: int, bias: float) -> dict[str, str]:
    """Every model's verdict on one synthetic history."""
    from pipeline.gold.performance import performance_rows, score_rows
    from pipeline.silver import features, walkforward
    from pipeline.silver.config import load_config
    from pipeline.silver.history import Timeline

    whites, specials = planted.draws(seed, HISTORY, bias)
    days = np.array(planted.dates(HISTORY), dtype="datetime64[D]")
    tl = Timeline(game, days, whites, specials, np.ones(HISTORY, dtype=bool),
                  tuple(f"h{i}" for i in range(HISTORY)))
    config = load_config()
    feats = features.build(tl, config["features"]["windows"])
    targets = np.arange(HISTORY - TARGETS, HISTORY)
    out = walkforward.predict(tl, feats, walkforward.cadence_plan(targets, config["retrain_every"]),
                              MODELS, config, "bench")
    row_of = {day: i for i, day in enumerate(np.datetime_as_string(days, unit="D"))}
    rows = []  # shaped like sql/gold/predictions_with_draws.sql
    for r in out.predictions.itertuples(index=False):
        i = row_of[r.target_draw_date]
        rows.append((r.model_name, r.model_run_id, dt.date.fromisoformat(r.target_draw_date),
                     r.ticket, r.era, r.white_1, r.white_2, r.white_3, r.white_4, r.white_5,
                     r.special_ball, *whites[i].tolist(), int(specials[i]), f"h{i}"))
    results = score_rows(game, rows)
    configs = {str(r.model_run_id): (r.model_name, r.params) for r in out.runs.itertuples()}
    perf, _summary = performance_rows(game, results, planted.dates(HISTORY),
                                      _calibration_rows(out.scores, tl), configs)
    return {r["model_name"]: r["verdict"] for r in perf if r["window_name"] == "all_time"}


def clopper_pearson(k: int, n: int) -> tuple[float, float]:
    from scipy.stats import beta

    low = 0.0 if k == 0 else float(beta.ppf(0.025, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))
    return low, high


def _share(name: str, hits: int, n: int, seconds: float, reference: float | None, **extra):
    low, high = clopper_pearson(hits, n)
    return emit(name, n, {"seconds": seconds}, reference="verdict_false_positive per history",
                reference_seconds=None if reference is None else reference * n,
                share=round(hits / n, 4), hits=hits, ci95_low=round(low, 4),
                ci95_high=round(high, 4), **extra)


def run(rows: int | None) -> None:
    fair_n = rows or 200
    biased_n = max(40, fair_n // 5)
    parts = os.environ.get("BENCH_VERDICT_PARTS", "fair,biased").split(",")
    game = _game()
    per_history = None
    if "fair" in parts:
        started = time.perf_counter()
        fair = [judge(game, 1_000 + s, 1.0) for s in range(fair_n)]
        fair_seconds = time.perf_counter() - started
        per_history = fair_seconds / fair_n
        any_win = sum(any(v == "beats random" for v in f.values()) for f in fair)
        _share("verdict_false_positive", any_win, fair_n, fair_seconds, None, target="<= 0.05",
               met=any_win / fair_n <= 0.05,
               inconclusive=sum(any(v == "inconclusive" for v in f.values()) for f in fair),
               unconfirmed_leads=sum(v == "unconfirmed lead" for f in fair for v in f.values()))
    if "biased" in parts:
        started = time.perf_counter()
        biased = [judge(game, 5_000 + s, 2.0) for s in range(biased_n)]
        biased_seconds = time.perf_counter() - started
        confirmed = sum(b["frequency"] == "beats random" for b in biased)
        _share("verdict_power", confirmed, biased_n, biased_seconds, per_history,
               target=">= 0.90", met=confirmed / biased_n >= 0.90,
               random_beats_random=sum(b["random"] == "beats random" for b in biased),
               inconclusive=sum(b["random"] == "inconclusive" for b in biased),
               bias="white 1-10 drawn 2x as often",
               seconds_per_history=round(biased_seconds / biased_n, 3))
