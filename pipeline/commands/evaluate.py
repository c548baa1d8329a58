from pipeline.commands.options import add_game, add_skip_checks


def configure(parser):
    add_game(parser)
    add_skip_checks(parser)


def run(args) -> dict:
    from pipeline.gold.evaluate import evaluate
    from pipeline.runs import step_run

    with step_run("evaluate", args.game, f"evaluate:{args.game}", {},
                  skip_checks=args.skip_checks) as run_:
        result = evaluate(args.game, skip_checks=args.skip_checks)
        run_.rows_written = result["inserted"] + result["rescored"] + result["removed"]
    return result
