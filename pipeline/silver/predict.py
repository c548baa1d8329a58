"""Predictions: the nightly predict and the walk-forward backtest, their staged write, their gate.

`predict` predicts one target draw (past or next) from the bronze draws strictly before it;
`backtest` predicts every bronze draw of a game in [from, to] as it was then. Both run the
walk-forward (pipeline/silver/walkforward.py) and `store` its output.

`store`: write, audit, publish (pipeline/wap.py): staging, the predictions gate, one publish
transaction (sql/silver/publish_predictions.sql). The per-number scores are staged as score
lists (staging.prediction_scores: one row per model, target and ball type, the probabilities of
its numbers as one float8[]), binary COPY encoded by numpy straight from the walk-forward's
matrices; the publish expands them into silver.prediction_scores, one row per number, in the
table's key order. Staging one row per number (~190 a draw) cost more to write, index, analyze,
audit and delete than the publish.

The predictions gate (`check`; `check_published` for `check predictions`): one write's staged
model runs, tickets and scores (or the published predictions of a date range).
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

import datetime as dt
import logging
import time
import uuid

import numpy as np
from psycopg import sql

from pipeline import copy as pgcopy
from pipeline.db import connect, load_sql, run_sql
from pipeline.errors import ConfigError
from pipeline.freshness import missing_draws
from pipeline.games import WEEKDAYS, Game, get_game
from pipeline.quality import gate, gx_runner, partitions
from pipeline.quality.gate import Spec, expect, expect_greater
from pipeline.quality.results import CheckResult
from pipeline.silver import era_rules, features, walkforward
from pipeline.silver.audit import audit, opening
from pipeline.silver.copy import copy_binary, copy_frame
from pipeline.silver.history import load_timeline, with_target
from pipeline.silver.models.registry import parse_models
from pipeline.silver.walkforward import Output, ScoreBlock
from pipeline.wap import Wap

log = logging.getLogger(__name__)


def check_target(game: Game, day: dt.date) -> None:
    if game.era_for(day) is None:
        raise ConfigError(f"{day} is before {game.id}'s first era ({game.eras[0].name})")
    if not game.is_draw_day(day):
        days = ", ".join(WEEKDAYS[d] for d in sorted(game.draw_weekdays(day)))
        raise ConfigError(f"{day} ({WEEKDAYS[day.weekday()]}) is not a {game.id} draw day "
                          f"(draws on {days})")


def predict(game_id: str, day: dt.date, config: dict, models: str | None = None, *,
            skip_checks: bool = False) -> dict:
    from pipeline.runs import code_version

    game = get_game(game_id)
    names = parse_models(models, config)
    check_target(game, day)
    started = time.perf_counter()
    with connect() as conn:
        history = load_timeline(conn, game, before=day)  # nothing on or after the target is read
    if len(history) == 0:
        raise ConfigError(f"no {game_id} draws before {day} in bronze: nothing to predict from "
                          f"(ingest the game's history first)")
    last_draw = history.date(len(history) - 1)
    missing = missing_draws(game, last_draw, day)
    if missing:  # one line: stderr for a person, the task log for Airflow
        log.warning("predicting %s from stale data: %d scheduled draws between the latest draw "
                    "in bronze (%s) and the target are missing; ingest them first",
                    day, len(missing), last_draw)
    tl = with_target(history, day)
    feats = features.build(tl, config["features"]["windows"])
    target = np.array([len(tl) - 1])
    plan = walkforward.cadence_plan(target, config["retrain_every"])  # the backtest's fit points
    out = walkforward.predict(tl, feats, plan, names, config, code_version())
    compute = time.perf_counter() - started
    result = store(game_id, out, f"target:{day}", names, skip_checks=skip_checks)
    return {"game": game_id, "target_draw_date": str(day), "models": names,
            "history_draws": len(history), "last_draw_used": str(last_draw),
            "missing_draws_before_target": len(missing), "tickets": tickets_by_model(out),
            "compute_seconds": round(compute, 3), **result}


def tickets_by_model(out: Output) -> dict[str, list]:
    """{model: [[[w1..w5], special], ...]} in ticket order: the picks, readable in the JSON."""
    frame = out.predictions.sort_values(["model_name", "ticket"])
    whites = [f"white_{k}" for k in range(1, 6)]
    tickets: dict[str, list] = {}
    for row in frame.itertuples(index=False):
        tickets.setdefault(row.model_name, []).append(
            [[int(getattr(row, w)) for w in whites], int(row.special_ball)])
    return tickets


def backtest(game_id: str, start: dt.date, end: dt.date, config: dict,
             models: str | None = None, *, skip_checks: bool = False) -> dict:
    from pipeline.runs import code_version

    game = get_game(game_id)
    names = parse_models(models, config)
    if start > end:
        raise ConfigError(f"--from {start} is after --to {end}")
    started = time.perf_counter()
    with connect() as conn:
        tl = load_timeline(conn, game, through=end)  # row t's features only read rows < t
    in_range = (tl.dates >= np.datetime64(start, "D")) & (tl.dates <= np.datetime64(end, "D"))
    targets = np.nonzero(in_range)[0]
    if len(targets) == 0:
        raise ConfigError(f"no {game_id} draws in bronze between {start} and {end}")
    if targets[0] == 0:
        raise ConfigError(f"{tl.date(0)} is {game_id}'s first draw in bronze: nothing is known "
                          f"before it; start the backtest after it")
    feats = features.build(tl, config["features"]["windows"])
    plan = walkforward.cadence_plan(targets, config["retrain_every"])
    out = walkforward.predict(tl, feats, plan, names, config, code_version())
    compute = time.perf_counter() - started
    partition = f"range:{start}..{end}"
    result = store(game_id, out, partition, names, skip_checks=skip_checks)
    return {"game": game_id, "from": str(start), "to": str(end), "models": names,
            "target_draws": int(len(targets)), "first_target": str(tl.date(targets[0])),
            "last_target": str(tl.date(targets[-1])), "retrain_every": config["retrain_every"],
            "fits": int(len(np.unique(plan.fit_points))),
            "compute_seconds": round(compute, 3), **result}


LIST_COLUMNS = ("model_name", "game", "target_draw_date", "ball_type", "first_number", "scores",
                "staging_id")
CHUNK_LISTS = 20_000  # score lists per COPY block (~16 MB of whites)


def score_list_blocks(blocks: list[ScoreBlock], staging_id: str):
    """Binary COPY tuples (LIST_COLUMNS) of every target's score list: one block per run of
    targets with the same number range (an era), so each block's arrays have one length."""
    sid = uuid.UUID(staging_id).bytes
    for b in blocks:
        ranges = b.first * (b.probs.shape[1] + 1) + b.last
        for key in np.unique(ranges).tolist():
            rows = np.flatnonzero(ranges == key)
            lo, hi = int(b.first[rows[0]]), int(b.last[rows[0]])
            for at in range(0, len(rows), CHUNK_LISTS):
                part = rows[at:at + CHUNK_LISTS]
                n = len(part)
                yield pgcopy.block([
                    pgcopy.same(b.model_name.encode(), n), pgcopy.same(b.game.encode(), n),
                    pgcopy.fixed(b.days[part], "date"), pgcopy.same(b.ball_type.encode(), n),
                    pgcopy.fixed(b.first[part], "int2"),
                    pgcopy.array(b.probs[part, lo:hi], "float8"), pgcopy.same(sid, n)])


def _writer(out: Output, staging_id: str, game: str, models: list[str], targets: list):
    def write(conn) -> None:
        run_sql(conn, "silver/unstage_predictions.sql",
                {"game": game, "models": models, "targets": targets})
        for table, frame in (("staging.model_runs", out.runs),
                             ("staging.predictions", out.predictions)):
            copy_frame(conn, table, frame.assign(staging_id=staging_id))
        copy_binary(conn, "staging.prediction_scores", LIST_COLUMNS,
                    score_list_blocks(out.score_blocks, staging_id))

    return write


def store(game: str, out: Output, partition: str, models: list[str], *,
          skip_checks: bool = False) -> dict:
    """Stage `out`, gate it, publish it (replacing these models' rows for these targets)."""
    staging_id = str(uuid.uuid4())
    targets = sorted(set(out.predictions["target_draw_date"]))
    wap = Wap("silver", game, "predictions", "silver.predictions",
              "silver/publish_predictions.sql", staging_id)
    with connect() as conn:
        wap.stage(conn, _writer(out, staging_id, game, models, targets),
                  analyze="silver/analyze_staged_predictions.sql")
        staged = {"params": {"game": game, "staging_id": staging_id, "models": models},
                  "expected": (len(out.runs), len(out.predictions), out.score_rows),
                  "what": "predictions",
                  "cleared_by": "a concurrent run of the same models and dates"}
        wap.gate(conn, partition, skip=skip_checks, cleared=staged)
        published = wap.publish(conn, **staged)
    replaced, _ = published["deleted"][0].fetchone()
    counts = {"replaced_predictions": replaced,
              "dropped_model_runs": published["orphans_dropped"][0].rowcount}
    timings = wap.rounded_timings()
    log.info("predictions %s: %s", partition, timings)
    return {"staging_id": staging_id, "model_runs": len(out.runs),
            "predictions": len(out.predictions), "scores": out.score_rows, **counts, **timings}


WHITES = ["white_1", "white_2", "white_3", "white_4", "white_5"]
KEY = ["model_name", "game", "target_draw_date", "ticket"]
SAMPLE_COLUMNS = ["model_name", "target_draw_date", "ticket", *WHITES, "special_ball", "era",
                  "rule_era", "train_last_draw"]


TICKETS_SQL = "quality/predictions_tickets.sql"


def expectation_specs(game: Game) -> list[Spec]:
    """The expectations on the ticket rows with their rule columns (GX types and kwargs: the
    gate runs them in SQL, `check predictions` through GX)."""
    return [
        expect("column_values_to_be_in_set", column="game", value_set=[game.id]),
        *[expect("column_values_to_not_be_null", column=c)
          for c in ("model_name", "model_run_id", "target_draw_date", "ticket", *WHITES,
                    "special_ball", "era")],
        expect("compound_columns_to_be_unique", column_list=KEY),
        expect("column_values_to_be_between", column="ticket", min_value=1),
        expect("column_values_to_not_be_null", column="rule_era"),
        expect("column_pair_values_to_be_equal", column_A="era", column_B="rule_era"),
        expect("select_column_values_to_be_unique_within_record", column_list=WHITES),
        *[expect_greater(hi, lo) for lo, hi in zip(WHITES, WHITES[1:], strict=False)],
        # With whites ascending, white_1 >= min and white_5 <= max bound all five.
        expect_greater("white_1", "rule_white_min", or_equal=True),
        expect_greater("rule_white_max", "white_5", or_equal=True),
        expect_greater("special_ball", "rule_special_min", or_equal=True),
        expect_greater("rule_special_max", "special_ball", or_equal=True),
        expect("column_values_to_not_be_null", column="train_last_draw"),
        expect_greater("target_draw_date", "train_last_draw"),
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


SCORES_AUDIT = ("predictions_scores_are_probabilities_per_valid_number",
                "quality/predictions_scores.sql")
# (expectation, SQL file returning the violating rows)
AUDITS = (("predictions_valid_distinct_numbers_for_era", "quality/predictions_numbers_valid.sql"),
          ("predictions_target_after_training_window", "quality/predictions_after_training.sql"),
          ("predictions_one_set_per_model_and_target", "quality/predictions_one_set.sql"),
          SCORES_AUDIT)


def scores_are_probabilities(conn, params) -> CheckResult:
    return audit(conn, *SCORES_AUDIT, params)


def targets_are_draw_days(conn, params) -> CheckResult:
    game = get_game(params["game"])
    days = run_sql(conn, "quality/predictions_targets.sql", params).fetchall()
    bad = [str(d) for (d,) in days if not game.is_draw_day(d)]
    return CheckResult("predictions_target_is_draw_day", not bad, observed_value=len(days),
                       unexpected_count=len(bad), unexpected_sample=bad[:5])


def _run(conn, game: Game, params: dict, rows_name: str, validate) -> list[CheckResult]:
    t0 = time.perf_counter()
    params, rows, counted = opening(conn, game, params, "quality/predictions_staged_count.sql",
                                    rows_name)
    results = [counted]
    results += validate(conn, game, params)
    t1 = time.perf_counter()
    results += [audit(conn, name, path, params) for name, path in AUDITS]
    results.append(targets_are_draw_days(conn, params))
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
