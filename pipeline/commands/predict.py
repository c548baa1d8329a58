from pipeline.commands.options import add_game, add_skip_checks, iso_date
from pipeline.silver.cli_options import add_model_options, config_from_args


def configure(parser):
    add_game(parser)
    parser.add_argument("--for-date", type=iso_date, required=True, dest="for_date",
                        help="target draw date (a draw day of the game; may be the next draw)")
    add_model_options(parser, retrain=False)
    add_skip_checks(parser)


def libraries(args) -> tuple[str, ...]:
    """Modules run() imports that `run` may import early, in the background."""
    from pipeline.silver.models.registry import parse_models
    from pipeline.silver.walkforward import libraries

    return libraries(parse_models(args.models, config_from_args(args)))


def run(args) -> dict:
    from pipeline.runs import step_run
    from pipeline.silver.predict import predict

    config = config_from_args(args)
    params = {"for_date": args.for_date, "models": args.models, "tickets": config["tickets"],
              "config": args.config, "param": args.param}
    with step_run("predict", args.game, f"target:{args.for_date}", params,
                  skip_checks=args.skip_checks) as run_:
        result = predict(args.game, args.for_date, config, args.models,
                         skip_checks=args.skip_checks)
        run_.rows_written = result["predictions"]
    return result
