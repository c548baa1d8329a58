"""`publish`: refresh gold's materialized views and record what each layer holds for the game."""

from pipeline.commands.options import add_game


def configure(parser):
    add_game(parser)


def run(args) -> dict:
    import json

    from pipeline.orchestration.publish import publish
    from pipeline.runs import step_run

    with step_run("publish", args.game, "layers", {}) as run_:
        result = publish(args.game)
        run_.rows_written = 0
        run_.message = json.dumps(result["layers"], default=str)[:2000]
    return result
