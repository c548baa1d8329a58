"""Evaluate one game: score known draws, judge each model, gate, publish (one transaction).

Write, audit, publish: results and performance are computed from silver and bronze into
staging, the gold gate validates them, and only then one transaction holding the game's gold
lock archives superseded results, upserts changed ones and replaces the game's performance and
reference rows (pipeline/wap.py runs the three; the publish's statements, in order, are
sql/gold/publish_evaluate.sql). Runs of one game are serialised by a session advisory lock, so
a second run waits instead of clearing the first one's staging rows.
"""

from __future__ import annotations

import logging
import threading
import uuid

from pipeline.db import connect, lock_key, run_sql
from pipeline.games import get_game
from pipeline.gold.frequency import number_frequencies
from pipeline.gold.performance import per_draw_from_totals, performance_rows
from pipeline.gold.reference import baseline_rows, prize_tier_rows
from pipeline.gold.scoring import outcome_params
from pipeline.gold.tables import PERFORMANCE_COLUMNS, SUMMARY_COLUMNS, copy_rows
from pipeline.wap import Wap

log = logging.getLogger(__name__)


def _import_heavy_modules() -> None:
    """scipy (performance): a second of imports per process. The gate needs no Great
    Expectations: it checks the staged rows in SQL (gold/suite.py)."""
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
    totals = run_sql(conn, "gold/staged_draws.sql", params).fetchall()
    # (model, draw)s with several tickets are rare (the shipped config plays one): their
    # tickets are read only when the totals show one
    shared = (run_sql(conn, "gold/staged_shared_tickets.sql", params).fetchall()
              if any(row[4] > 1 for row in totals) else [])
    draws = run_sql(conn, "gold/draws_of_game.sql", params).fetchall()
    calibration = run_sql(conn, "gold/calibration_by_draw.sql", params).fetchall()
    configs = {str(run): (cid, text) for run, cid, text in
               run_sql(conn, "gold/model_configs.sql", params).fetchall()}
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
