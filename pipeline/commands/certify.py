"""`certify <stage> --game G [--since T] [--recheck]`: a layer's gate passed for its latest
publish (with --recheck, the published rows pass again where a published check exists).
The DAG's check_<layer> tasks."""

import datetime as dt

from pipeline.commands.options import add_game

STAGES = ("bronze", "features", "predictions", "gold")


def _moment(value: str) -> dt.datetime:
    import argparse

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value[:60]!r} is not an ISO date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def configure(parser):
    parser.add_argument("stage", choices=STAGES, help="the layer's gate")
    add_game(parser)
    parser.add_argument("--since", type=_moment,
                        help="only a gate recorded at or after this moment counts")
    parser.add_argument("--recheck", action="store_true",
                        help="also re-validate the published rows (as `check <stage>` does)")


def run(args) -> dict:
    from pipeline.orchestration.certify import certify
    from pipeline.runs import step_run

    with step_run("certify", args.game, args.stage, {"since": args.since}) as run_:
        result = certify(args.stage, args.game, args.since, recheck=args.recheck)
        run_.rows_written = 0
    return result
