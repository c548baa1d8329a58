"""`python -m pipeline restore --from FILE --target-url URL`: restore and verify the manifest."""

import argparse


def existing_dump(value: str):
    from pathlib import Path

    if not value or len(value) > 1024 or any(ord(c) < 32 for c in value):
        raise argparse.ArgumentTypeError(f"invalid backup file name {value[:60]!r}")
    path = Path(value)
    try:
        found = path.is_file()
    except OSError:  # a name too long for the file system
        found = False
    if not found:
        raise argparse.ArgumentTypeError(f"backup file not found: {value[:60]!r}")
    return path


def target_url(value: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    # The value is never echoed: it may hold a password.
    if not value.strip() or len(value) > 2048 or any(ord(c) < 32 for c in value):
        raise argparse.ArgumentTypeError("target URL is empty, too long or has control characters")
    try:
        params = conninfo_to_dict(value)
    except Exception:  # noqa: BLE001 - psycopg raises ProgrammingError for bad URLs
        raise argparse.ArgumentTypeError(
            "target URL is not a libpq URL (postgresql://...) or conninfo") from None
    if not params.get("dbname"):
        raise argparse.ArgumentTypeError("target URL names no database")
    return value


def configure(parser):
    parser.add_argument("--from", dest="source", type=existing_dump, required=True,
                        help="a .dump written by `backup` (its .manifest.json beside it)")
    parser.add_argument("--target-url", type=target_url, required=True,
                        help="libpq URL or conninfo of an existing, empty database")


def run(args) -> dict:
    from pipeline.ops.restore import restore

    return restore(args.source, args.target_url)
