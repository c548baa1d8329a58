from pathlib import Path

from pipeline.commands.options import add_game


def configure(parser):
    add_game(parser)
    parser.add_argument("--out", type=Path, default=Path("report.html"),
                        help="HTML file to write (default: report.html)")


def run(args) -> dict:
    from pipeline.gold.report import build_report
    from pipeline.runs import step_run

    with step_run("report", args.game, f"report:{args.game}", {"out": str(args.out)}):
        return build_report(args.game, args.out)
