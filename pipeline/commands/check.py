"""`check <stage> --game G [--partition P]`: run one gate on demand against published rows."""

import logging

from pipeline.commands.options import add_game

log = logging.getLogger(__name__)

# Same as pipeline.quality.gate.STAGES (kept literal so building the CLI imports no DB code).
STAGES = ("bronze", "features", "predictions", "gold")


def configure(parser):
    parser.add_argument("stage", choices=STAGES, help="which gate to run")
    add_game(parser)
    parser.add_argument("--partition", default="published",
                        help="what to check: 'published' (default, everything the game has "
                        "published), a year 'YYYY' or 'YYYY-MM-DD..YYYY-MM-DD' (bronze: draw "
                        "dates; features: draw dates; predictions and gold: target dates)")


def run(args) -> dict:
    from pipeline.db import connect
    from pipeline.quality.gate import run_published_check
    from pipeline.runs import step_run

    extra = {}
    with step_run("check", args.game, args.partition, {"stage": args.stage}) as run_:
        with connect() as conn:
            results = run_published_check(conn, args.stage, args.game, args.partition)
            if args.stage == "bronze":
                extra["freshness"] = _bronze_freshness(conn, args.game)
        warnings = [r.expectation for r in results if not r.success]
        run_.rows_written = 0
    return {"stage": args.stage, "game": args.game, "partition": args.partition,
            "status": "passed", "expectations": len(results), "failed": 0,
            "warnings": warnings, **extra}


def _bronze_freshness(conn, game_id: str) -> dict:
    """Staleness against the schedule: a warning, not a failure (the lottery may be late)."""
    from pipeline.freshness import freshness
    from pipeline.games import get_game

    fresh = freshness(conn, get_game(game_id))
    if fresh.stale:
        log.warning("bronze is stale for %s: %s; run ingest", game_id, fresh.sentence())
    return fresh.as_dict()
