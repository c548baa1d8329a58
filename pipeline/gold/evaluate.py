"""Evaluate one game: score every prediction, judge each configuration, stage, gate, publish
(one transaction); and the gold gate's suite.

Write, audit, publish: results and performance are computed from silver and bronze into
staging, the gold gate validates them, and only then one transaction holding the game's gold
lock archives superseded results, upserts changed ones and replaces the game's performance and
reference rows (pipeline/wap.py runs the three; the publish's statements, in order, are
sql/gold/publish_evaluate.sql). Runs of one game are serialised by a session advisory lock, so
a second run waits instead of clearing the first one's staging rows.

The gate's suite (quality/gate.py SUITES["gold"]: `check` on the staged results and
performance rows of one evaluate run, `check_published` for `check gold` on the published
ones):

- Expectations on the results (one row per result) beside the game definition's rules for
  the target date: no nulls, the key unique, white matches in 0-5, the era is the target's
  era; and on the distinct (era, matches, tier, prize) combinations against every outcome the
  era's prize chart allows (tier consistent with matches, as one in-set expectation). The list
  is data (GX types and kwargs): an evaluate's staged rows are checked by
  `quality.gate` as one query where the rows are (Great Expectations' pandas
  validation of a 10^5-row frame fetched through psycopg, and its import, were most of the
  gate); `check gold` runs the same list through GX on a frame of the published rows.
- SQL audits and Python checks for what GX does badly: matches equal an independent SQL
  recount from silver and bronze, counts equal the predictions scored, the exact random
  baselines and p-values of the performance rows.
"""

from __future__ import annotations

import logging
import threading
import uuid
from decimal import Decimal

from psycopg import sql

from pipeline.db import connect, load_sql, lock_key, run_sql
from pipeline.games import Game, get_game
from pipeline.gold import verdicts
from pipeline.gold.calibration import rows_from_draw_sums
from pipeline.gold.frequency import number_frequencies
from pipeline.gold.performance import (
    TOTALS,
    outcome_params,
    per_draw_from_totals,
    performance_rows,
)
from pipeline.gold.prizes import baseline, classify
from pipeline.gold.reference import baseline_rows, prize_tier_rows
from pipeline.gold.tables import PERFORMANCE_COLUMNS, SUMMARY_COLUMNS, copy_rows
from pipeline.quality import gate, gx_runner, partitions
from pipeline.quality.gate import Spec, expect
from pipeline.quality.results import CheckResult
from pipeline.silver import era_rules
from pipeline.wap import Wap

log = logging.getLogger(__name__)


def _import_heavy_modules() -> None:
    """pandas and scipy (performance): a second of imports per process, which gold's modules
    import on use, not when this module is imported. The gate needs no Great Expectations: it
    checks the staged rows in SQL (check, below)."""
    import pandas  # noqa: F401
    import scipy.signal  # noqa: F401
    import scipy.stats  # noqa: F401


def _preload() -> threading.Thread:
    """Import performance's libraries in a thread while the stage's SQL runs: the main thread
    mostly waits on PostgreSQL there (scoring, calibration), so the imports overlap with it
    instead of following it. Joined before anything uses them."""
    thread = threading.Thread(target=_import_heavy_modules, name="gold-preload", daemon=True)
    thread.start()
    return thread


def _stage(conn, game, staging_id: uuid.UUID, preload: threading.Thread | None = None
           ) -> tuple[int, int, list[tuple]]:
    """The staging writer: score, then compute performance and the verdict, into staging."""
    params = {"game": game.id, "staging_id": staging_id}
    run_sql(conn, "gold/clear_staging.sql", params)
    for (era_name,) in run_sql(conn, "gold/draw_eras.sql", params).fetchall():
        game.era_named(era_name)  # a draw's era missing from the game file: an error
    scored = run_sql(conn, "gold/score_predictions.sql",
                     {**params, **outcome_params(game)}).rowcount
    run_sql(conn, "gold/analyze_scored_results.sql")
    draws = run_sql(conn, "gold/draws_of_game.sql", params).fetchall()
    # calibration: the sums of the (model, draw)s whose model run or draw changed, then every
    # staged (model, draw)'s sums (the stored ones for the rest: gold.calibration_sums)
    stale, staged, models = run_sql(conn, "gold/calibration_stale.sql", params).fetchone()
    if stale:
        # one scan of the stale models' scores beats an index probe per (model, draw) from
        # about a quarter of them on (a first evaluate: all); both ways give the same integers
        run_sql(conn, "gold/stage_calibration_sums.sql",
                {**params, "scan": stale * 4 >= staged, "models": models})
        run_sql(conn, "gold/stage_calibration_sums_copy.sql", params)
        run_sql(conn, "gold/analyze_calibration_sums.sql")
    # per-draw totals, each draw's calibration sums beside them; a row per staged draw, in
    # binary (the same Python values: ints, floats, dates, text; parsing 10^5 rows of
    # sixteen columns from text was ~0.1 s of a 10^5 rerun, binary less than half of that)
    with conn.cursor(binary=True) as cur:
        totals = cur.execute(load_sql("gold/staged_draws.sql"), params).fetchall()
    calibration = rows_from_draw_sums(totals, len(TOTALS))
    # (model, draw)s with several tickets are rare (the shipped config plays one): their
    # tickets are read only when the totals show one
    shared = (run_sql(conn, "gold/staged_shared_tickets.sql", params).fetchall()
              if any(row[4] > 1 for row in totals) else [])
    configs = {cid: (cid, text) for cid, text in
               run_sql(conn, "gold/model_config_texts.sql", params).fetchall()}
    if preload is not None:
        preload.join()
    perf, verdict = performance_rows(game, None, [d[0] for d in draws], calibration, configs,
                                     draws=per_draw_from_totals(totals, shared, game))
    copy_rows(conn, "staging.model_performance",
              (tuple(r.get(c) for c in PERFORMANCE_COLUMNS) + (staging_id,) for r in perf))
    copy_rows(conn, "staging.verdict_summary",
              [tuple(verdict[c] for c in SUMMARY_COLUMNS) + (staging_id,)])
    return scored, len(perf), draws


def _publish(conn, wap: Wap, game, scored: int, perf_rows: int, draws: list[tuple]) -> dict:
    counts, tests = number_frequencies(game, draws)

    def copy_reference(conn, _results) -> None:
        copy_rows(conn, "gold.era_baselines", baseline_rows(game))
        copy_rows(conn, "gold.prize_tiers", prize_tier_rows(game))

    def copy_frequencies(conn, _results) -> None:
        copy_rows(conn, "gold.number_counts", counts)
        copy_rows(conn, "gold.number_frequency_tests", tests)

    published = wap.publish(
        conn, {"game": game.id, "staging_id": wap.staging_id}, expected=(scored, perf_rows),
        what="gold results and performance rows",
        python={"reference_copied": copy_reference, "frequencies_copied": copy_frequencies})
    flags = [r[0] for r in published["upserted"][0].fetchall()]
    inserted = sum(flags)
    return {"inserted": inserted, "rescored": len(flags) - inserted,
            "removed": published["removed"][0].rowcount,
            "archived": published["archived"][0].rowcount}


def evaluate(game_id: str, *, skip_checks: bool = False) -> dict:
    """Score every prediction of `game_id` whose draw is in bronze and publish gold.

    Raises GateFailedError (gold untouched, staged rows kept) when the gold gate fails.
    """
    game = get_game(game_id)
    staging_id = uuid.uuid4()
    wap = Wap("gold", game_id, "gold", "gold.evaluate", "gold/publish_evaluate.sql", staging_id)
    lock = lock_key("gold-evaluate", game_id)
    with connect(autocommit=True) as conn:  # each `conn.transaction()` below is a real one
        run_sql(conn, "gold/session_settings.sql")
        conn.execute("select pg_advisory_lock(%s)", (lock,))
        try:
            preload = _preload()
            # Runs of the game are serialised by the session lock above: the stage needs no
            # partition lock (the publish takes it).
            scored, perf_rows, draws = wap.stage(
                conn, lambda conn: _stage(conn, game, staging_id, preload), lock=False,
                analyze="gold/analyze_staged_results.sql")
            wap.gate(conn, f"evaluate:{game_id}", skip=skip_checks)
            published = _publish(conn, wap, game, scored, perf_rows, draws)
            pending = run_sql(conn, "gold/pending_predictions.sql",
                              {"game": game_id}).fetchone()[0]
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (lock,))
    log.info("%s: %d predictions scored, %d pending, %s, %s", game_id, scored, pending,
             published, wap.rounded_timings())
    return {"game": game_id, "staging_id": str(staging_id), "scored": scored,
            "pending": pending, "performance_rows": perf_rows,
            "unchanged": scored - published["inserted"] - published["rescored"], **published}


# The gold gate's suite: quality/gate.py imports this module by name for stage "gold".

TOLERANCE = 1e-12
WHITES = ["white_1", "white_2", "white_3", "white_4", "white_5"]
KEY = ["model_name", "game", "target_draw_date", "ticket"]
RESULT_SAMPLE = [*KEY[:1], "target_draw_date", "ticket", "era", "rule_era", "white_matches",
                 "special_match", "prize_tier"]
TIER_COLUMNS = ["era", "white_matches", "special_match", "prize_tier", "is_jackpot", "prize_usd",
                "n", "example"]
TIER_SAMPLE = ["era", "white_matches", "special_match", "prize_tier", "is_jackpot", "prize_usd",
               "n", "example", "outcome"]


def _audit(conn, name: str, relative: str, params: dict) -> CheckResult:
    cur = run_sql(conn, relative, params)
    columns = [c.name for c in cur.description]
    rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    return CheckResult(name, not rows, observed_value={"violations": len(rows)},
                       unexpected_count=len(rows), unexpected_sample=rows[:5])


def outcome(era: str, white_matches, special_match, tier, jackpot, prize) -> str:
    """One scored outcome as text: '<era>:<w>+<s> -> <tier> jackpot=<j> prize=<usd>'."""
    usd = None if prize is None else f"{Decimal(str(prize)):.2f}"
    special = None if special_match is None else int(bool(special_match))
    return f"{era}:{white_matches}+{special} -> {tier} jackpot={jackpot} prize={usd}"


def allowed_outcomes(game: Game) -> list[str]:
    """Every (era, matches) outcome with the tier and prize its era's chart gives."""
    return [outcome(era.name, w, s, *classify(era, w, s))
            for era in game.eras for w in range(era.white_count + 1) for s in (False, True)]


def tier_combinations(conn, params: dict):
    """sql/quality/gold_tier_combinations.sql as a frame: read once, checked twice (the
    expectation and the Python audit below)."""
    return gx_runner.frame_from_sql(conn, "quality/gold_tier_combinations.sql", params)


def result_specs(game: Game) -> list[Spec]:
    """The expectations on the results, the same for every evaluate of `game`."""
    return [
        expect("column_values_to_be_in_set", column="game", value_set=[game.id]),
        *[expect("column_values_to_not_be_null", column=c)
          for c in ("model_name", "target_draw_date", "ticket", "era", *WHITES, "special_ball",
                    "white_matches", "special_match", "draw_record_hash")],
        expect("compound_columns_to_be_unique", column_list=KEY),
        expect("column_values_to_be_between", column="white_matches", min_value=0, max_value=5),
        expect("column_values_to_be_in_set", column="special_match", value_set=[True, False]),
        expect("column_pair_values_to_be_equal", column_A="era", column_B="rule_era"),
    ]


def tier_specs(game: Game) -> list[Spec]:
    return [expect("column_values_to_be_in_set", column="outcome",
                   value_set=allowed_outcomes(game))]


def with_outcomes(tiers):
    tiers = tiers.copy()
    tiers["outcome"] = [outcome(*row) for row in tiers[
        ["era", "white_matches", "special_match", "prize_tier", "is_jackpot",
         "prize_usd"]].itertuples(index=False)]
    return tiers


def validate_results(conn, game: Game, params: dict, tiers=None) -> list[CheckResult]:
    """The expectations through Great Expectations, on frames of the audited rows."""
    E = gx_runner.expectations()
    frame = gx_runner.frame_from_sql(conn, "quality/gold_results.sql", params)
    # GX samples the first unexpected rows in frame order
    frame = frame.sort_values(["model_name", "target_draw_date", "ticket"], kind="stable",
                              ignore_index=True)
    frame = era_rules.add_era_columns(frame, game, "target_draw_date")
    frame["target_draw_date"] = frame["target_draw_date"].astype(str)
    results = gx_runner.validate_frame(frame, [s.to_gx(E) for s in result_specs(game)],
                                       name=f"gold.results.{game.id}",
                                       sample_columns=RESULT_SAMPLE)
    tiers = with_outcomes(tier_combinations(conn, params) if tiers is None else tiers)
    return results + gx_runner.validate_frame(tiers, [s.to_gx(E) for s in tier_specs(game)],
                                              name=f"gold.tiers.{game.id}",
                                              sample_columns=TIER_SAMPLE)


def validate_results_sql(conn, game: Game, params: dict, tiers) -> list[CheckResult]:
    """The same expectations, names and samples as validate_results, each as one aggregate
    of one query over the audited rows (quality/gate.py)."""
    params = dict(params)
    # The file's text as a subquery: a newline so its last line cannot comment out the rest.
    rows = sql.SQL("select q.*, {} from ({}) q").format(
        era_rules.sql_columns(game, params, "target_draw_date", ("rule_era",)),
        sql.SQL(load_sql("quality/gold_results.sql") + "\n"))
    results = gate.validate_query(
        conn, rows, params, result_specs(game), sample_columns=RESULT_SAMPLE,
        order_by=["model_name", "target_draw_date", "ticket"])
    tiers = with_outcomes(tiers)
    tier_rows = sql.SQL(
        "select * from unnest(%(t_era)s::text[], %(t_white)s::int[], %(t_special)s::boolean[],"
        " %(t_tier)s::text[], %(t_jackpot)s::boolean[], %(t_prize)s::text[], %(t_n)s::int8[],"
        " %(t_example)s::text[], %(t_outcome)s::text[]) as t({})").format(
        sql.SQL(", ").join(map(sql.Identifier, TIER_SAMPLE)))
    columns = {f"t_{k}": c for k, c in zip(
        ("era", "white", "special", "tier", "jackpot", "prize", "n", "example", "outcome"),
        TIER_SAMPLE, strict=True)}
    tier_params = {k: _column(tiers, c) for k, c in columns.items()}
    return results + gate.validate_query(conn, tier_rows, tier_params,
                                         tier_specs(game),
                                         sample_columns=TIER_SAMPLE,
                                         order_by="outcome")


def _column(frame, name: str) -> list:
    """A column of the tier frame as bound values: nulls as None, amounts as text."""
    return [None if v is None or v != v else str(v) if name == "prize_usd" else v
            for v in frame[name].tolist()]


def matches_in_range(conn, params, tiers=None) -> CheckResult:
    """`tiers` (tier_combinations of the same rows) counts every audited result under its
    white_matches: when none of them is null or outside 0-5 the audit's query would return no
    row, so its result is the audit's empty one without reading the results again."""
    name = "gold_white_matches_between_0_and_5"
    if tiers is not None and all(w is not None and w == w and 0 <= w <= 5
                                 for w in tiers["white_matches"].tolist()):
        return CheckResult(name, True, observed_value={"violations": 0}, unexpected_count=0,
                           unexpected_sample=[])
    return _audit(conn, name, "quality/gold_matches_out_of_range.sql", params)


def matches_equal_recount(conn, params) -> CheckResult:
    return _audit(conn, "gold_matches_equal_sql_recount", "quality/gold_matches_recount.sql",
                  params)


def counts_equal_predictions(conn, params) -> list[CheckResult]:
    scorable, staged, duplicates, perf_n = run_sql(
        conn, "quality/gold_counts.sql", params).fetchone()
    observed = {"predictions_with_known_draw": scorable, "staged_results": staged,
                "duplicate_keys": duplicates, "all_time_n_predictions": perf_n}
    # Published gold lags silver until the next evaluate: stale, not wrong (a warning).
    severity = "warn" if params["published"] else "error"
    results = [CheckResult("gold_results_count_equals_predictions_scored",
                           staged == scorable and duplicates == 0, severity,
                           observed_value=observed,
                           unexpected_count=abs(scorable - staged) + duplicates)]
    if params["date_from"] is None and params["date_to"] is None:  # performance is all-time
        results.append(CheckResult("gold_performance_counts_equal_results", perf_n == staged,
                                   observed_value=observed,
                                   unexpected_count=abs(perf_n - staged)))
    return results


def _same_prize(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def tier_consistent(conn, params, game, tiers=None) -> CheckResult:
    bad = []
    tiers = tier_combinations(conn, params) if tiers is None else tiers
    for era, w, s, tier, jackpot, prize, n, example in tiers[TIER_COLUMNS].itertuples(
            index=False, name=None):
        want_tier, want_jackpot, want_prize = classify(game.era_named(era), w, s)
        if (tier, jackpot) != (want_tier, want_jackpot) or not _same_prize(prize, want_prize):
            bad.append({"era": era, "white_matches": w, "special_match": s, "prize_tier": tier,
                        "expected_tier": want_tier, "prize_usd": prize,
                        "expected_prize_usd": want_prize, "rows": n, "example": example})
    return CheckResult("gold_prize_tier_consistent_with_matches", not bad,
                       observed_value={"inconsistent_combinations": len(bad)},
                       unexpected_count=sum(b["rows"] for b in bad), unexpected_sample=bad[:5])


def _verdict_allowed(model: str, window: str, verdict: str | None) -> bool:
    """A verdict on every all-time row and no other; the negative control never leads."""
    if window != "all_time":
        return verdict is None
    if model == verdicts.CONTROL:
        return verdict in ("inconclusive", "no evidence")
    return verdict in verdicts.VERDICTS


def performance_sane(conn, params, game) -> CheckResult:
    bad = []
    for model, era, window, ew, es, ea, p, p_adj, n, draws, family, verdict in run_sql(
            conn, "quality/gold_performance_rows.sql", params).fetchall():
        b = baseline(game.era_named(era))
        want_any = None if b.any_prize_probability is None else float(b.any_prize_probability)
        ok = (abs(ew - float(b.expected_white_matches)) < TOLERANCE
              and abs(es - float(b.expected_special_hit_rate)) < TOLERANCE
              and (ea is None) == (want_any is None)
              and (ea is None or abs(ea - want_any) < TOLERANCE)
              and 0 <= p <= p_adj <= 1 and n >= draws > 0 and (family or 0) >= 1
              and _verdict_allowed(model, window, verdict))
        if not ok:
            bad.append({"model_name": model, "era": era, "window_name": window,
                        "expected_white_matches": ew, "p_value": p, "p_value_adjusted": p_adj,
                        "family_size": family, "verdict": verdict})
    return CheckResult("gold_performance_baselines_exact_and_p_values_valid", not bad,
                       observed_value={"bad_rows": len(bad)}, unexpected_count=len(bad),
                       unexpected_sample=bad[:5])


def _run(conn, game: Game, params: dict, validate=validate_results) -> list[CheckResult]:
    tiers = tier_combinations(conn, params)
    return [
        *validate(conn, game, params, tiers),
        matches_in_range(conn, params, tiers),
        matches_equal_recount(conn, params),
        *counts_equal_predictions(conn, params),
        tier_consistent(conn, params, game, tiers),
        performance_sane(conn, params, game),
    ]


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    """The gate on one evaluate's staged rows (read on `conn`, which may not have committed)."""
    return _run(conn, get_game(game_id), partitions.staged_params(game_id, staging_id),
                validate_results_sql)


def check_published(conn, game_id: str, partition: str | None) -> list[CheckResult]:
    """`check gold`: the published results (targets in the date range) and performance."""
    return _run(conn, get_game(game_id), partitions.published_params("gold", game_id, partition))
