from pipeline.commands.options import add_game, add_skip_checks, iso_date


def configure(parser):
    add_game(parser)
    parser.add_argument("--source", help="path or http(s) URL of a NY open-data export or a "
                        "normalized CSV (default: the game's official NY open-data URL)")
    parser.add_argument("--today", type=iso_date, help="treat this as today (rejects later dates)")
    parser.add_argument("--dry-run", action="store_true", help="stage and check, publish nothing")
    add_skip_checks(parser)


def run(args) -> dict:
    from pipeline.bronze.ingest import ingest
    from pipeline.errors import ConfigError
    from pipeline.games import get_game
    from pipeline.redact import redact
    from pipeline.runs import step_run

    source = args.source or get_game(args.game).source_url
    if not source:
        raise ConfigError(f"game {args.game!r} has no source_url; pass --source")
    params = {"source": source, "dry_run": args.dry_run}
    # The partition is stored as is: a URL's user:password@ must not reach ops.runs (the
    # source itself refuses such a URL).
    with step_run("ingest", args.game, f"source:{redact(source)}", params,
                  skip_checks=args.skip_checks) as run_:
        result = ingest(args.game, source, today=args.today, skip_checks=args.skip_checks,
                        dry_run=args.dry_run)
        run_.rows_written = result["inserted"] + result["revised"]
    return result
