from pipeline.commands.options import add_game, add_skip_checks


def configure(parser):
    add_game(parser)
    parser.add_argument("--full", action="store_true",
                        help="rebuild every draw's features (default: only from the earliest "
                        "new or revised bronze draw on)")
    add_skip_checks(parser)


def run(args) -> dict:
    from pipeline.runs import step_run
    from pipeline.silver.config import load_config
    from pipeline.silver.features import build_features

    _require_draws(args.game)
    windows = load_config()["features"]["windows"]
    with step_run("features", args.game, "full" if args.full else "incremental",
                  {"full": args.full}, skip_checks=args.skip_checks) as run_:
        result = build_features(args.game, full=args.full, windows=windows,
                                skip_checks=args.skip_checks)
        run_.rows_written = result["rows"]
    return result


def _require_draws(game_id: str) -> None:
    """No draws means nothing could be built: say what to run instead of 'up to date'."""
    from pipeline.db import connect, run_sql
    from pipeline.errors import PipelineError

    with connect() as conn:
        latest, _ = run_sql(conn, "show/latest_draw.sql", {"game": game_id}).fetchone()
    if latest is None:
        raise PipelineError(f"no {game_id} draws in bronze: run ingest first (python -m "
                            f"pipeline ingest --game {game_id} --source FILE_OR_URL)")
