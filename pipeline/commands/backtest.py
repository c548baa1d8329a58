from pipeline.commands.options import add_game, add_skip_checks, iso_date
from pipeline.silver.cli_options import add_model_options, config_from_args


def configure(parser):
    add_game(parser)
    parser.add_argument("--from", type=iso_date, required=True, dest="start",
                        help="first target draw date (inclusive)")
    parser.add_argument("--to", type=iso_date, required=True, dest="end",
                        help="last target draw date (inclusive)")
    add_model_options(parser, retrain=True)
    add_skip_checks(parser)


def libraries(args) -> tuple[str, ...]:
    """Modules run() imports that `run` may import early, in the background."""
    from pipeline.silver.models.registry import parse_models
    from pipeline.silver.walkforward import libraries

    return libraries(parse_models(args.models, config_from_args(args)))


def run(args) -> dict:
    from pipeline.runs import step_run
    from pipeline.silver.predict import backtest

    config = config_from_args(args)
    params = {"from": args.start, "to": args.end, "models": args.models,
              "tickets": config["tickets"], "retrain_every": config["retrain_every"],
              "config": args.config, "param": args.param}
    with step_run("backtest", args.game, f"range:{args.start}..{args.end}", params,
                  skip_checks=args.skip_checks) as run_:
        result = backtest(args.game, args.start, args.end, config, args.models,
                          skip_checks=args.skip_checks)
        run_.rows_written = result["predictions"]
    return result
