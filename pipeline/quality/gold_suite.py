"""Gold gate: staged results and performance rows of one evaluate run.

Each check is a small function returning one CheckResult: SQL audits return the violating
rows; the prize chart and the exact baselines come from the game definition.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.db import run_sql
from pipeline.games import get_game
from pipeline.gold.prizes import baseline, classify
from pipeline.quality.results import CheckResult

TOLERANCE = 1e-12


def _audit(conn, name: str, relative: str, params: dict) -> CheckResult:
    cur = run_sql(conn, relative, params)
    columns = [c.name for c in cur.description]
    rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    return CheckResult(name, not rows, observed_value={"violations": len(rows)},
                       unexpected_count=len(rows), unexpected_sample=rows[:5])


def matches_in_range(conn, params) -> CheckResult:
    return _audit(conn, "gold_white_matches_between_0_and_5",
                  "quality/gold_matches_out_of_range.sql", params)


def matches_equal_recount(conn, params) -> CheckResult:
    return _audit(conn, "gold_matches_equal_sql_recount", "quality/gold_matches_recount.sql",
                  params)


def counts_equal_predictions(conn, params) -> list[CheckResult]:
    scorable, staged, duplicates, perf_n = run_sql(
        conn, "quality/gold_counts.sql", params).fetchone()
    observed = {"predictions_with_known_draw": scorable, "staged_results": staged,
                "duplicate_keys": duplicates, "all_time_n_predictions": perf_n}
    return [
        CheckResult("gold_results_count_equals_predictions_scored",
                    staged == scorable and duplicates == 0, observed_value=observed,
                    unexpected_count=abs(scorable - staged) + duplicates),
        CheckResult("gold_performance_counts_equal_results", perf_n == staged,
                    observed_value=observed, unexpected_count=abs(perf_n - staged)),
    ]


def _same_prize(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def tier_consistent(conn, params, game) -> CheckResult:
    bad = []
    for era, w, s, tier, jackpot, prize, n, example in run_sql(
            conn, "quality/gold_tier_combinations.sql", params).fetchall():
        want_tier, want_jackpot, want_prize = classify(game.era_named(era), w, s)
        if (tier, jackpot) != (want_tier, want_jackpot) or not _same_prize(prize, want_prize):
            bad.append({"era": era, "white_matches": w, "special_match": s, "prize_tier": tier,
                        "expected_tier": want_tier, "prize_usd": prize,
                        "expected_prize_usd": want_prize, "rows": n, "example": example})
    return CheckResult("gold_prize_tier_consistent_with_matches", not bad,
                       observed_value={"inconsistent_combinations": len(bad)},
                       unexpected_count=sum(b["rows"] for b in bad), unexpected_sample=bad[:5])


def performance_sane(conn, params, game) -> CheckResult:
    bad = []
    for model, era, window, ew, es, ea, p, p_adj, n, draws in run_sql(
            conn, "quality/gold_performance_rows.sql", params).fetchall():
        b = baseline(game.era_named(era))
        want_any = None if b.any_prize_probability is None else float(b.any_prize_probability)
        ok = (abs(ew - float(b.expected_white_matches)) < TOLERANCE
              and abs(es - float(b.expected_special_hit_rate)) < TOLERANCE
              and (ea is None) == (want_any is None)
              and (ea is None or abs(ea - want_any) < TOLERANCE)
              and 0 <= p <= p_adj <= 1 and n >= draws > 0)
        if not ok:
            bad.append({"model_name": model, "era": era, "window_name": window,
                        "expected_white_matches": ew, "p_value": p, "p_value_adjusted": p_adj})
    return CheckResult("gold_performance_baselines_exact_and_p_values_valid", not bad,
                       observed_value={"bad_rows": len(bad)}, unexpected_count=len(bad),
                       unexpected_sample=bad[:5])


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    game = get_game(game_id)
    params = {"game": game_id, "staging_id": staging_id}
    return [
        matches_in_range(conn, params),
        matches_equal_recount(conn, params),
        *counts_equal_predictions(conn, params),
        tier_consistent(conn, params, game),
        performance_sane(conn, params, game),
    ]
