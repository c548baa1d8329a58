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
    from pipeline.silver.feature_store import build_features

    windows = load_config()["features"]["windows"]
    with step_run("features", args.game, "full" if args.full else "incremental",
                  {"full": args.full}, skip_checks=args.skip_checks) as run_:
        result = build_features(args.game, full=args.full, windows=windows,
                                skip_checks=args.skip_checks)
        run_.rows_written = result["rows"]
    return result
