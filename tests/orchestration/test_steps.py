"""The plan: which argv each task runs, for nightly runs, backfills and dry runs."""

from __future__ import annotations

import datetime as dt

from pipeline.cli import build_parser
from pipeline.games import get_game, load_games
from pipeline.orchestration.params import validate_params
from pipeline.orchestration.steps import DRY_RUN_COMMANDS, SEQUENCE, plan

PB = get_game("powerball")
LOGICAL = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def _plan(**raw):
    return {c.task_id: c for c in plan(PB, validate_params(PB, raw), LOGICAL)}


def test_nightly_plan_is_the_documented_sequence():
    calls = _plan(source="/data/x.csv")
    assert [c for c in calls] == [s.task_id for s in SEQUENCE]
    assert calls["ingest"].argv == ("ingest", "--game", "powerball", "--source", "/data/x.csv")
    assert calls["predict"].argv == ("predict", "--game", "powerball", "--for-date", "2026-01-03")
    for layer in ("bronze", "features", "predictions", "gold"):
        assert calls[f"check_{layer}"].argv == ("certify", layer, "--game", "powerball")
    assert calls["features"].argv == ("features", "--game", "powerball")
    assert calls["evaluate"].argv == ("evaluate", "--game", "powerball")
    assert calls["publish"].argv == ("publish", "--game", "powerball")


def test_backfill_runs_backtest_with_the_run_options():
    calls = _plan(from_date="2025-01-01", to_date="2025-03-31", models=["random", "gap"],
                  tickets=3, retrain=True)
    assert calls["predict"].argv == (
        "backtest", "--game", "powerball", "--from", "2025-01-01", "--to", "2025-03-31",
        "--models", "random,gap", "--tickets", "3", "--retrain-every", "1")


def test_every_generated_argv_parses_with_the_real_cli():
    parser = build_parser()
    variants = [{}, {"from_date": "2025-01-01", "to_date": "2025-02-01", "tickets": 2,
                     "retrain": True, "models": ["random"]}, {"dry_run": True}]
    for game in load_games().values():
        for raw in variants:
            for call in plan(game, validate_params(game, raw), LOGICAL):
                if call.argv is not None:
                    args = parser.parse_args(list(call.argv))
                    assert args.command == call.argv[0]
                    assert args.game == game.id


def test_dry_run_stages_and_checks_but_publishes_nothing():
    calls = _plan(dry_run=True)
    assert calls["ingest"].argv[-1] == "--dry-run"
    for task_id, call in calls.items():
        if task_id != "ingest":
            # every other step either has its own --dry-run or is skipped with a reason
            assert (call.argv is None and call.skip_reason) or call.argv[-1] == "--dry-run"
    assert calls["publish"].argv is None
    assert all(calls[f"check_{x}"].argv is None
               for x in ("bronze", "features", "predictions", "gold"))


def test_the_plan_knows_which_steps_have_a_dry_run():
    from pipeline.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    have = {name for name, p in sub.choices.items()
            if any("--dry-run" in a.option_strings for a in p._actions)} - {"run"}
    assert have == DRY_RUN_COMMANDS


def test_every_planned_argv_is_accepted_by_the_cli():
    from pipeline.cli import build_parser

    parser = build_parser()
    for raw in ({}, {"dry_run": True}, {"from_date": "2025-01-01", "to_date": "2025-12-31",
                                         "retrain": True, "tickets": 3, "models": ["gbm"]}):
        for call in plan(PB, validate_params(PB, raw), LOGICAL):
            if call.argv is not None:
                parser.parse_args(list(call.argv))  # exits 2 on anything it refuses
