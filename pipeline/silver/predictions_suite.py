"""Predictions gate: one write's staged model runs, tickets and scores (or, for `check
predictions`, the published predictions of a date range).

- Great Expectations-style expectations on the tickets (one row per ticket with its model
  run's training window) beside the game definition's rules for the target date: no nulls, the
  key unique, five distinct ascending whites, whites and special ball in the target era's
  ranges, the ticket labelled with the target's era, the target after the training window. A
  write's gate evaluates them as one query where the rows are (`quality.gate`): a
  nightly predict stages a handful of tickets, and GX's import (3-6 s of CPU) was most of the
  step. `check predictions` runs the same list through GX on a frame of those rows
  (tests/quality/test_predictions_expectations.py holds the two to the same results).
- SQL audits for what expectations do badly: one prediction set per model and target (one
  run, tickets 1..n), the model run exists and is the ticket's, scores are probabilities for
  every valid number; and the targets are draw days of the game's schedule (checked against
  games.toml).
"""

from __future__ import annotations

import logging
import time

from psycopg import sql

from pipeline.db import load_sql, run_sql
from pipeline.games import Game, get_game
from pipeline.quality import gate, gx_runner, partitions
from pipeline.quality.gate import Spec
from pipeline.quality.results import CheckResult
from pipeline.silver import era_rules
from pipeline.silver.audit import audit
from pipeline.silver.eras import era_sql_params

log = logging.getLogger(__name__)
WHITES = ["white_1", "white_2", "white_3", "white_4", "white_5"]
KEY = ["model_name", "game", "target_draw_date", "ticket"]
SAMPLE_COLUMNS = ["model_name", "target_draw_date", "ticket", *WHITES, "special_ball", "era",
                  "rule_era", "train_last_draw"]


TICKETS_SQL = "quality/predictions_tickets.sql"


def expectation_specs(game: Game) -> list[Spec]:
    """The expectations on the ticket rows with their rule columns (GX types and kwargs: the
    gate runs them in SQL, `check predictions` through GX)."""

    def spec(kind: str, **kwargs) -> Spec:
        return Spec(f"expect_{kind}", kwargs)

    def pair_ge(a: str, b: str, **kwargs) -> Spec:
        return spec("column_pair_values_a_to_be_greater_than_b", column_A=a, column_B=b,
                    **kwargs)

    return [
        spec("column_values_to_be_in_set", column="game", value_set=[game.id]),
        *[spec("column_values_to_not_be_null", column=c)
          for c in ("model_name", "model_run_id", "target_draw_date", "ticket", *WHITES,
                    "special_ball", "era")],
        spec("compound_columns_to_be_unique", column_list=KEY),
        spec("column_values_to_be_between", column="ticket", min_value=1),
        spec("column_values_to_not_be_null", column="rule_era"),
        spec("column_pair_values_to_be_equal", column_A="era", column_B="rule_era"),
        spec("select_column_values_to_be_unique_within_record", column_list=WHITES),
        *[pair_ge(hi, lo) for lo, hi in zip(WHITES, WHITES[1:], strict=False)],
        # With whites ascending, white_1 >= min and white_5 <= max bound all five.
        pair_ge("white_1", "rule_white_min", or_equal=True),
        pair_ge("rule_white_max", "white_5", or_equal=True),
        pair_ge("special_ball", "rule_special_min", or_equal=True),
        pair_ge("rule_special_max", "special_ball", or_equal=True),
        spec("column_values_to_not_be_null", column="train_last_draw"),
        pair_ge("target_draw_date", "train_last_draw"),
    ]


def expectation_list(game: Game) -> list:
    """The same expectations as GX objects."""
    E = gx_runner.expectations()
    return [s.to_gx(E) for s in expectation_specs(game)]


def validate_tickets(conn, game: Game, params: dict) -> list[CheckResult]:
    """Through Great Expectations, on a frame of the audited tickets (`check predictions`)."""
    frame = gx_runner.frame_from_sql(conn, TICKETS_SQL, params)
    frame = era_rules.add_era_columns(frame, game, "target_draw_date")
    for col in ("target_draw_date", "train_last_draw"):  # comparable, JSON-friendly dates
        frame[col] = frame[col].astype(str).where(frame[col].notna(), None)
    return gx_runner.validate_frame(frame, expectation_list(game),
                                    name=f"predictions.{game.id}", sample_columns=SAMPLE_COLUMNS)


def validate_tickets_sql(conn, game: Game, params: dict) -> list[CheckResult]:
    """The same expectations, names and samples as validate_tickets, each an aggregate of one
    query over the audited tickets (quality/gate.py)."""
    params = dict(params)
    # The file's text as a subquery: a newline so its last line cannot comment out the rest.
    rows = sql.SQL("select q.*, {} from ({}) q").format(
        era_rules.sql_columns(game, params, "target_draw_date"),
        sql.SQL(load_sql(TICKETS_SQL) + "\n"))
    return gate.validate_query(conn, rows, params, expectation_specs(game),
                                           sample_columns=SAMPLE_COLUMNS,
                                           order_by=["model_name", "target_draw_date", "ticket"])


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


def _run(conn, game: Game, params: dict, rows_name: str, validate) -> list[CheckResult]:
    params = {**params, **era_sql_params(game)}
    run_sql(conn, "quality/silver_gate_memory.sql")
    t0 = time.perf_counter()
    rows = run_sql(conn, "quality/predictions_staged_count.sql", params).fetchone()[0]
    results = [CheckResult(rows_name, rows > 0, observed_value=rows,
                           unexpected_count=0 if rows else 1)]
    results += validate(conn, game, params)
    t1 = time.perf_counter()
    results += [fn(conn, params) for fn in CHECKS]
    log.info("predictions suite: %d tickets, expectations %.3fs, SQL audits %.3fs", rows,
             t1 - t0, time.perf_counter() - t1)
    return results


def check(conn, game_id: str, staging_id: str) -> list[CheckResult]:
    """The gate on one staged write."""
    return _run(conn, get_game(game_id), partitions.staged_params(game_id, staging_id),
                "predictions_staged_rows", validate_tickets_sql)


def check_published(conn, game_id: str, partition: str | None) -> list[CheckResult]:
    """`check predictions`: the published predictions (targets in the date range) re-audited."""
    params = partitions.published_params("predictions", game_id, partition)
    with conn.transaction():  # `set local` settings last for this check only
        return _run(conn, get_game(game_id), params, "predictions_published_rows",
                    validate_tickets)
