"""`run`: every step in order in one process, gates included (what the DAG does, no Airflow)."""

import datetime as dt

from pipeline.commands.options import add_game, iso_date


def _logical(value: str) -> dt.datetime:
    import argparse

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value[:60]!r} is not an ISO date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def configure(parser):
    add_game(parser)
    parser.add_argument("--source", help="path or http(s) URL (default: the game's NY URL)")
    parser.add_argument("--from", dest="from_date", type=iso_date, help="backfill: first draw")
    parser.add_argument("--to", dest="to_date", type=iso_date, help="backfill: last draw")
    parser.add_argument("--models", help="comma-separated model names (default: all)")
    parser.add_argument("--tickets", type=int, help="tickets per model and draw")
    parser.add_argument("--retrain", action="store_true", help="backfill: refit before every draw")
    parser.add_argument("--dry-run", action="store_true", help="stage and check, publish nothing")
    parser.add_argument("--logical-date", type=_logical,
                        help="the run's logical date-time, as the DAG run's (default: now, UTC; "
                             "a date without a zone is UTC); the next draw after it is predicted")


def run(args) -> dict:
    from pipeline.games import get_game
    from pipeline.orchestration.inprocess import run_all
    from pipeline.orchestration.params import validate_params

    raw = {"source": args.source, "retrain": args.retrain, "dry_run": args.dry_run,
           "from_date": args.from_date.isoformat() if args.from_date else None,
           "to_date": args.to_date.isoformat() if args.to_date else None,
           "models": [m.strip() for m in args.models.split(",")] if args.models else None,
           "tickets": args.tickets}
    if raw["source"] is None:
        raw.pop("source")  # the Param's default: the game's official URL
    params = validate_params(get_game(args.game), raw)
    return run_all(args.game, params, args.logical_date or dt.datetime.now(dt.UTC))
