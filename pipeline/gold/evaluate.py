"""Evaluate one game: score known draws, judge each model, gate, publish (one transaction).

Write, audit, publish: results and performance are computed from silver and bronze into
staging, the gold gate validates them, and only then one transaction holding the game's gold
advisory lock archives superseded results, upserts changed ones and replaces the game's
performance and reference rows. Runs of one game are serialised by a session advisory lock, so
a second run waits instead of clearing the first one's staging rows.
"""

from __future__ import annotations

import logging
import threading
import uuid

from pipeline.db import advisory_xact_lock, connect, lock_key, run_sql
from pipeline.games import get_game
from pipeline.gold.frequency import number_frequencies
from pipeline.gold.performance import performance_rows
from pipeline.gold.reference import baseline_rows, prize_tier_rows
from pipeline.gold.scoring import outcome_params
from pipeline.gold.tables import PERFORMANCE_COLUMNS, SUMMARY_COLUMNS, copy_rows
from pipeline.ops.faults import fault_point
from pipeline.quality import gx_runner
from pipeline.quality.gate import run_gate

log = logging.getLogger(__name__)


def _import_heavy_modules(with_gate: bool) -> None:
    """scipy (performance) and Great Expectations (the gate): seconds of imports per process."""
    import scipy.signal  # noqa: F401
    import scipy.stats  # noqa: F401

    if with_gate:
        gx_runner.expectations()


def _preload(skip_checks: bool) -> threading.Thread:
    """Import performance's and the gate's libraries in a thread while the stage's SQL runs:
    the main thread mostly waits on PostgreSQL there (scoring, calibration), so the 3-6 s of
    imports overlap with it instead of following it. Joined before anything uses them."""
    thread = threading.Thread(target=_import_heavy_modules, args=(not skip_checks,),
                              name="gold-preload", daemon=True)
    thread.start()
    return thread


def _stage(conn, game, staging_id: uuid.UUID, preload: threading.Thread | None = None
           ) -> tuple[int, int, list[tuple]]:
    params = {"game": game.id, "staging_id": staging_id}
    with conn.transaction():
        run_sql(conn, "gold/clear_staging.sql", params)
        for (era_name,) in run_sql(conn, "gold/draw_eras.sql", params).fetchall():
            game.era_named(era_name)  # a draw's era missing from the game file: an error
        scored = run_sql(conn, "gold/score_predictions.sql",
                         {**params, **outcome_params(game)}).rowcount
        results = staged_results_frame(conn, params)
        draws = run_sql(conn, "gold/draws_of_game.sql", params).fetchall()
        calibration = run_sql(conn, "gold/calibration_by_draw.sql", params).fetchall()
        configs = {str(run): (cid, text) for run, cid, text in
                   run_sql(conn, "gold/model_configs.sql", params).fetchall()}
        if preload is not None:
            preload.join()
        perf, verdict = performance_rows(game, results, [d[0] for d in draws], calibration,
                                         configs)
        copy_rows(conn, "staging.model_performance",
                  (tuple(r.get(c) for c in PERFORMANCE_COLUMNS) + (staging_id,) for r in perf))
        copy_rows(conn, "staging.verdict_summary",
                  [tuple(verdict[c] for c in SUMMARY_COLUMNS) + (staging_id,)])
    return scored, len(perf), draws


def staged_results_frame(conn, params: dict):
    """The staged results as a DataFrame of the columns performance_rows reads."""
    import pandas as pd

    cur = run_sql(conn, "gold/staged_results.sql", params)
    return pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])


def _publish(conn, game, staging_id: uuid.UUID, draws: list[tuple]) -> dict:
    params = {"game": game.id, "staging_id": staging_id}
    counts, tests = number_frequencies(game, draws)
    with conn.transaction():
        advisory_xact_lock(conn, "gold", game.id)
        fault_point("gold.evaluate.publish.locked")
        archived = run_sql(conn, "gold/archive_superseded_results.sql", params).rowcount
        fault_point("gold.evaluate.publish.archived")
        removed = run_sql(conn, "gold/delete_removed_results.sql", params).rowcount
        fault_point("gold.evaluate.publish.removed")
        flags = [r[0] for r in run_sql(conn, "gold/upsert_results.sql", params).fetchall()]
        fault_point("gold.evaluate.publish.upserted")
        run_sql(conn, "gold/delete_model_performance.sql", params)
        fault_point("gold.evaluate.publish.performance_deleted")
        run_sql(conn, "gold/insert_model_performance.sql", params)
        run_sql(conn, "gold/publish_verdict_summary.sql", params)
        fault_point("gold.evaluate.publish.performance_inserted")
        run_sql(conn, "gold/delete_reference_rows.sql", params)
        fault_point("gold.evaluate.publish.reference_deleted")
        copy_rows(conn, "gold.era_baselines", baseline_rows(game))
        copy_rows(conn, "gold.prize_tiers", prize_tier_rows(game))
        fault_point("gold.evaluate.publish.reference_copied")
        copy_rows(conn, "gold.number_counts", counts)
        copy_rows(conn, "gold.number_frequency_tests", tests)
        fault_point("gold.evaluate.publish.frequencies_copied")
        run_sql(conn, "gold/drop_staged.sql", params)
        fault_point("gold.evaluate.publish.before_commit")
    fault_point("gold.evaluate.publish.committed")
    inserted = sum(flags)
    return {"inserted": inserted, "rescored": len(flags) - inserted, "removed": removed,
            "archived": archived}


def evaluate(game_id: str, *, skip_checks: bool = False) -> dict:
    """Score every prediction of `game_id` whose draw is in bronze and publish gold.

    Raises GateFailedError (gold untouched, staged rows kept) when the gold gate fails.
    """
    game = get_game(game_id)
    staging_id = uuid.uuid4()
    lock = lock_key("gold-evaluate", game_id)
    with connect(autocommit=True) as conn:  # each `conn.transaction()` below is a real one
        run_sql(conn, "gold/session_settings.sql")
        conn.execute("select pg_advisory_lock(%s)", (lock,))
        try:
            scored, perf_rows, draws = _stage(conn, game, staging_id, _preload(skip_checks))
            run_sql(conn, "gold/analyze_staged_results.sql")
            with conn.transaction():
                run_gate(conn, "gold", game_id, f"evaluate:{game_id}", str(staging_id),
                         skip=skip_checks)
            published = _publish(conn, game, staging_id, draws)
            pending = run_sql(conn, "gold/pending_predictions.sql",
                              {"game": game_id}).fetchone()[0]
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (lock,))
    log.info("%s: %d predictions scored, %d pending, %s", game_id, scored, pending, published)
    return {"game": game_id, "staging_id": str(staging_id), "scored": scored,
            "pending": pending, "performance_rows": perf_rows,
            "unchanged": scored - published["inserted"] - published["rescored"], **published}
