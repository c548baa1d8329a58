def configure(parser):
    parser.add_argument("action", choices=["url", "stop"], nargs="?", default="url")


def run(args) -> dict:
    from pipeline.embedded import embedded_dir, embedded_url, stop_embedded

    if args.action == "stop":
        return {"stopped": stop_embedded(), "dir": str(embedded_dir())}
    return {"url": embedded_url(), "dir": str(embedded_dir())}
