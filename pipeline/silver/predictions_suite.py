"""Predictions gate: one write's staged model runs, tickets and scores (or, for `check
predictions`, the published predictions of a date range).

- Great Expectations validates the tickets (one frame row per ticket with its model run's
  training window, read on the step's connection) beside the game definition's rules for the
  target date: no nulls, the key unique, five distinct ascending whites, whites and special ball
  in the target era's ranges, the ticket labelled with the target's era, the target after the
  training window.
- SQL audits for what GX does badly: one prediction set per model and target (one run, tickets
  1..n), the model run exists and is the ticket's, scores are probabilities for every valid
  number; and the targets are draw days of the game's schedule (checked against games.toml).
"""

from __future__ import annotations

import logging
import time

from pipeline.db import run_sql
from pipeline.games import Game, get_game
from pipeline.quality import gx_runner, partitions
from pipeline.quality.results import CheckResult
from pipeline.silver import era_rules
from pipeline.silver.audit import audit
from pipeline.silver.eras import era_sql_params

log = logging.getLogger(__name__)
WHITES = ["white_1", "white_2", "white_3", "white_4", "white_5"]
KEY = ["model_name", "game", "target_draw_date", "ticket"]
SAMPLE_COLUMNS = ["model_name", "target_draw_date", "ticket", *WHITES, "special_ball", "era",
                  "rule_era", "train_last_draw"]


def expectation_list(game: Game) -> list:
    """The GX expectations on the ticket frame with its rule columns."""
    E = gx_runner.expectations()
    pair_ge = E.ExpectColumnPairValuesAToBeGreaterThanB
    return [
        E.ExpectColumnValuesToBeInSet(column="game", value_set=[game.id]),
        *[E.ExpectColumnValuesToNotBeNull(column=c)
          for c in ("model_name", "model_run_id", "target_draw_date", "ticket", *WHITES,
                    "special_ball", "era")],
        E.ExpectCompoundColumnsToBeUnique(column_list=KEY),
        E.ExpectColumnValuesToBeBetween(column="ticket", min_value=1),
        E.ExpectColumnValuesToNotBeNull(column="rule_era"),
        E.ExpectColumnPairValuesToBeEqual(column_A="era", column_B="rule_era"),
        E.ExpectSelectColumnValuesToBeUniqueWithinRecord(column_list=WHITES),
        *[pair_ge(column_A=hi, column_B=lo) for lo, hi in zip(WHITES, WHITES[1:], strict=False)],
        # With whites ascending, white_1 >= min and white_5 <= max bound all five.
        pair_ge(column_A="white_1", column_B="rule_white_min", or_equal=True),
        pair_ge(column_A="rule_white_max", column_B="white_5", or_equal=True),
        pair_ge(column_A="special_ball", column_B="rule_special_min", or_equal=True),
        pair_ge(column_A="rule_special_max", column_B="special_ball", or_equal=True),
        E.ExpectColumnValuesToNotBeNull(column="train_last_draw"),
        pair_ge(column_A="target_draw_date", column_B="train_last_draw"),
    ]


def validate_tickets(conn, game: Game, params: dict) -> list[CheckResult]:
    frame = gx_runner.frame_from_sql(conn, "quality/predictions_tickets.sql", params)
    frame = era_rules.add_era_columns(frame, game, "target_draw_date")
    for col in ("target_draw_date", "train_last_draw"):  # comparable, JSON-friendly dates
        frame[col] = frame[col].astype(str).where(frame[col].notna(), None)
    return gx_runner.validate_frame(frame, expectation_list(game),
                                    name=f"predictions.{game.id}", sample_columns=SAMPLE_COLUMNS)


def numbers_valid_for_era(conn, params) -> CheckResult:
    return audit(conn, "predictions_valid_distinct_numbers_for_era",
                 "quality/predictions_numbers_valid.sql", params)


def target_after_training(conn, params) -> CheckResult:
    return audit(conn, "predictions_target_after_training_window",
                 "quality/predictions_after_training.sql", params)


def one_set_per_model_and_target(conn, params) -> CheckResult:
    return audit(conn, "predictions_one_set_per_model_and_target",
                 "quality/predictions_one_set.sql", params)


def scores_are_probabilities(conn, params) -> CheckResult:
    return audit(conn, "predictions_scores_are_probabilities_per_valid_number",
                 "quality/predictions_scores.sql", params)


def targets_are_draw_days(conn, params) -> CheckResult:
    game = get_game(params["game"])
    days = run_sql(conn, "quality/predictions_targets.sql", params).fetchall()
    bad = [str(d) for (d,) in days if not game.is_draw_day(d)]
    return CheckResult("predictions_target_is_draw_day", not bad, observed_value=len(days),
                       unexpected_count=len(bad), unexpected_sample=bad[:5])


CHECKS = (numbers_valid_for_era, target_after_training, one_set_per_model_and_target,
          scores_are_probabilities, targets_are_draw_days)


def _run(conn, game: Game, params: dict, rows_name: str) -> list[CheckResult]:
    params = {**params, **era_sql_params(game)}
    run_sql(conn, "quality/silver_gate_memory.sql")
    t0 = time.perf_counter()
    rows = run_sql(conn, "quality/predictions_staged_count.sql", params).fetchone()[0]
    results = [CheckResult(rows_name, rows > 0, observed_value=rows,
                           unexpected_count=0 if rows else 1)]
    results += validate_tickets(conn, game, params)
    t1 = time.perf_counter()
    results += [fn(conn, params) for fn in CHECKS]
    log.info("predictions suite: %d tickets, GX %.3fs, SQL audits %.3fs", rows, t1 - t0,
             time.perf_counter() - t1)
    return results


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    """The gate on one staged write."""
    return _run(conn, get_game(game_id), partitions.staged_params(game_id, staging_id),
                "predictions_staged_rows")


def check_published(conn, game_id: str, partition: str | None) -> list[CheckResult]:
    """`check predictions`: the published predictions (targets in the date range) re-audited."""
    params = partitions.published_params("predictions", game_id, partition)
    with conn.transaction():  # `set local` settings last for this check only
        return _run(conn, get_game(game_id), params, "predictions_published_rows")
